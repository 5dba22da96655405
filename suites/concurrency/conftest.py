"""Fixtures of the concurrency suite: the profile's sizes and the evidence writer."""

from __future__ import annotations

import functools

import pytest

from ._stress import artifact_name, save_run, sizes_for


@pytest.fixture(scope="session")
def sizes(lens_profile):
    """Run sizes of this profile (``--lens-profile smoke|full``), see ``_stress.PROFILES``."""
    return sizes_for(lens_profile)


@pytest.fixture(scope="session")
def provenance(lens_settings, lens_database):
    """SUT and migration checksums of the database these tests run against (for the evidence)."""
    from harness.provenance import stamp

    return stamp(lens_settings, dsn=lens_database.dsn)


@pytest.fixture
def record_run(request, lens_artifacts, provenance):
    """``record_run(history, result, level=..., **extra)`` -> path of the saved ``.json``."""
    criterion = dict(request.node.user_properties).get("criterion")  # the report files it under that criterion
    return functools.partial(save_run, lens_artifacts, artifact_name(request.node.name), provenance=provenance,
                             criterion=criterion)
