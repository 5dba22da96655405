"""The negative suite reuses the API suite's committed ships and owner-side `Ledger` reads: a
refusal is only proven by the state not moving, read from outside the API."""

import pytest

from ..api.conftest import Ledger, Ship, ledger, other_ship, refusal_fingerprint, ship, sut  # noqa: F401  (fixtures)


def pytest_configure(config):
    """test_fuzz sizes its Hypothesis settings at import (1,000 examples per endpoint in the
    full profile): hand it the profile before the module is collected."""
    import os
    if config.getoption("--lens-profile"):
        os.environ["LENS_PROFILE"] = config.getoption("--lens-profile")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A fuzz failure quotes the hostile input, lone surrogates included; xdist ships reports
    between processes as UTF-8 and would turn such a failure into an INTERNALERROR.  Escape
    what cannot be encoded so a found defect stays a plain, readable failure."""
    outcome = yield
    report = outcome.get_result()

    def safe(text: str) -> str:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")

    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        if safe(text) != text:
            report.longrepr = safe(text)
    report.sections = [(safe(k), safe(v)) for k, v in report.sections]
