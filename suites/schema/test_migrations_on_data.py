"""Migrations on data (CONTRACT §11.8, harness/populated.py): the migration set applied over a
fleet's pre-lens rows — the user's `--base-data`, or three shipped yachts whose part names,
numbers and location text collide — keeps §11: no row points at another yacht's row, drift is 0,
every unique rule is per yacht. Built once per run in a database of its own (DDL: harness-owned
servers only; a user's server is never given a database it did not ask for)."""

import os

import psycopg
import pytest

from harness import populated
from harness.provision import janitor


@pytest.fixture(scope="module")
def migrated(lens_settings, lens_database):
    if lens_settings.target == "dsn":
        pytest.skip("building a database over pre-lens data is DDL; run on harness-owned servers only")
    name = f"lens_populated_{os.getpid()}"
    dsn = populated.build(lens_database.dsn, lens_settings, name)
    try:
        with psycopg.connect(dsn) as conn:
            if populated.yachts(conn) < 2:
                pytest.skip("no pre-lens data reached the lens migrations (the history builds its schema from "
                            "empty): give --base-data with a multi-yacht dump")
            yield conn
    finally:
        janitor.drop_database(lens_database.dsn, name)


def test_no_row_references_another_yachts_row(migrated):
    assert populated.foreign_references(migrated) == []


def test_drift_is_zero_after_the_backfill(migrated):
    assert populated.drifting(migrated) == 0


def test_every_unique_rule_is_per_yacht(migrated):
    assert populated.unique_across_yachts(migrated) == []
