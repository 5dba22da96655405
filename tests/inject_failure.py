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
