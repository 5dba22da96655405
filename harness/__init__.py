"""Inventory Lens verification harness: provisions PostgreSQL, applies the lens migrations,
runs the acceptance, negative and concurrency suites and writes a QA sign-off report."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lens-harness")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+src"
