"""The negative suite reuses the API suite's committed ships and owner-side `Ledger` reads: a
refusal is only proven by the state not moving, read from outside the API."""

from ..api.conftest import Ledger, Ship, ledger, other_ship, ship  # noqa: F401  (fixtures)


def pytest_configure(config):
    """test_fuzz sizes its Hypothesis settings at import (1,000 examples per endpoint in the
    full profile): hand it the profile before the module is collected."""
    import os
    if config.getoption("--lens-profile"):
        os.environ["LENS_PROFILE"] = config.getoption("--lens-profile")
