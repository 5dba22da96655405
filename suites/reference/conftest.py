"""Reference-only checks run only when the target is the reference (its binding says so)."""

import pytest


@pytest.fixture(autouse=True)
def _reference_only(lens_binding):
    if not lens_binding.reference:
        pytest.skip(f"reference-only check: the target's binding is {lens_binding.name!r}")
