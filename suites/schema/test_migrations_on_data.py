"""Migrations on data (CONTRACT §11.8, harness/populated.py): the migration set applied over a
fleet's pre-lens rows — the user's `--base-data`, or three shipped yachts whose part names,
numbers and location text collide — keeps §11: no row points at another yacht's row, drift is 0,
every unique rule is per yacht. Built once per run in a database of its own on a harness-owned
server (a history that builds its schema from empty carries no pre-lens rows unless `--base-data`
gives some). A user's server gets no new database: there the same checks read the target
database itself, whose rows its own migrations carried (read-only)."""

import os

import psycopg
import pytest

from harness import populated
from harness.provision import janitor

from .test_privileges import UNIQUE_WITHOUT_YACHT


@pytest.fixture(scope="module")
def migrated(lens_settings, lens_database):
    if lens_settings.target == "dsn":
        with psycopg.connect(lens_database.dsn, options="-c default_transaction_read_only=on") as conn:
            yield conn
        return
    name = f"lens_populated_{os.getpid()}"
    try:
        with psycopg.connect(populated.build(lens_database.dsn, lens_settings, name)) as conn:
            yield conn
    except populated.DoesNotApply as exc:   # every check fails on it: a defect, not a setup error
        yield exc
    finally:
        janitor.drop_database(lens_database.dsn, name)


def _conn(migrated) -> psycopg.Connection:
    if isinstance(migrated, populated.DoesNotApply):
        pytest.fail(f"the migrations do not apply over several yachts' data (§11.8): {migrated}", pytrace=False)
    return migrated


def test_no_row_references_another_yachts_row(migrated, record_property):
    """A history that builds its schema from empty has no pre-lens rows to carry (the count is
    recorded: 0 yachts means only what the migrations themselves insert was checked)."""
    record_property("pre_lens_yachts", str(populated.yachts(_conn(migrated))))
    assert populated.foreign_references(migrated) == []


def test_drift_is_zero_after_the_backfill(migrated):
    assert populated.drifting(_conn(migrated)) == 0


def test_every_unique_rule_is_per_yacht(migrated):
    """The schema lint's rule, on the migrated data (a backfill may create indexes on a condition)."""
    assert [f"{index} on {table}" for table, index, _ in _conn(migrated).execute(UNIQUE_WITHOUT_YACHT).fetchall()] == []
