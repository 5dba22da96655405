"""Package layout: `harness` plus the top-level `suites/`, `sql/` and `examples/` shipped inside it.

Why: an installed harness must run the full gate from any folder, so the suites, the
reference migrations and the shipped examples (the second lens's API is what its binding
serves) travel in the wheel as `harness/suites`, `harness/sql` and `harness/examples`, while the
source tree keeps them at the top level where users and contributors expect them.
`harness/config.py` finds either layout. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {"harness.suites": "suites", "harness.sql": "sql", "harness.examples": "examples"}

packages = find_namespace_packages(include=["harness", "harness.*"], exclude=["*__pycache__*"])  # data-only dirs too (profiles, catalogue)
for package, source in SHIPPED.items():
    packages += [package] + [f"{package}.{sub}" for sub in find_namespace_packages(source, exclude=["*__pycache__*"])]

setup(
    packages=packages,
    package_dir=SHIPPED,
    package_data={"": ["*.sql", "*.j2", "*.json", "*.yaml", "*.patch", "*.md", "*.ini"]},
    include_package_data=False,
)
