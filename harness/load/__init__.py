"""Load generation with locust: HTTP API users, PostgreSQL DSN users, a headless runner.

``run_load()`` (runner.py) is the entry point for ``lens-harness load`` and the
benchmarks; the user classes read everything they need from a ``LoadPlan`` (plan.py).
Import this package only where gevent monkey-patching is acceptable: importing locust
patches the standard library.
"""
