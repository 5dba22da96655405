"""A pytest plugin the gate tests load into a gate run (``-- -p tests.inject_failure``): the test
whose node id contains ``$INJECT_FAIL`` fails in its body, as a real defect would. It turns
a real suite test red without editing the suite."""

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    needle = os.environ.get("INJECT_FAIL")
    if needle and needle in item.nodeid:
        outcome.force_exception(AssertionError(f"injected failure in {item.name}"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """``$INJECT_SETUP_ERROR``: the test's setup raises what a missing function would (not an
    assertion), as when the harness cannot drive the target."""
    outcome = yield
    needle = os.environ.get("INJECT_SETUP_ERROR")
    if needle and needle in item.nodeid:
        outcome.force_exception(RuntimeError(f"injected setup error: function public.x() does not exist ({item.name})"))
