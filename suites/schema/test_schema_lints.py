"""Schema lints: the evidence bundle's findings as tests, so a mutant that only changes the
catalogue (an unpinned search_path, RLS switched off, a zero-argument helper) fails the suites
and is caught by `lens-harness selftest`, not only by the evidence step.

Modelled on Supabase's security linter (rls_disabled_in_public, function_search_path_mutable,
anon_security_definer_function_executable, ...). Read-only: safe on a verify-only DSN.
"""

import asyncpg
import pytest

from harness import evidence
from harness.report.allure import attach_report_files


@pytest.fixture(scope="module")
def bundle(lens_database, lens_artifacts):
    attach_report_files(lens_artifacts, ("evidence/*",))  # the gate's bundle, into the Allure results
    return evidence.collect(lens_database.dsn)


@pytest.fixture(scope="module")
def findings(bundle):
    return evidence.summarize(bundle)


def test_every_contract_table_exists(findings):
    assert findings["missing_tables"] == []


def test_rls_enabled_on_every_table(findings):
    assert findings["tables_without_rls"] == []


def test_every_table_has_a_policy(bundle):
    """RLS on with no policy means nobody sees anything (rls_enabled_no_policy)."""
    assert [r["table"] for r in bundle["rls"] if r["policies"] == 0] == []


def test_security_definer_functions_pin_search_path(findings):
    assert findings["unpinned_security_definer"] == []


def test_no_zero_argument_helper_overload(findings):
    assert findings["zero_arg_helpers"] == []


def test_helpers_have_explicit_arity(bundle):
    arity = {(h["name"], h["arity"]) for h in bundle["helpers"]}
    assert arity >= {("get_user_yacht_id", 0), ("is_operational_crew", 2), ("is_hod", 2), ("is_manager", 2)}


async def test_anon_cannot_execute_security_definer_functions(lens_tx):
    rows = await lens_tx.fetch(
        "SELECT p.oid::regprocedure::text AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.prosecdef AND n.nspname = 'public' AND has_function_privilege('anon', p.oid, 'EXECUTE')")
    assert [r["fn"] for r in rows] == []


async def test_ledger_is_append_only_for_authenticated(lens_tx, as_user, ship):
    """Judged by behaviour (CONTRACT §10): a manager of the yacht tries to UPDATE and DELETE its own
    ledger rows; whether a missing grant (42501) or the absence of a policy (0 rows) refuses it may
    vary, but every row must be there, unchanged, afterwards."""
    before = await lens_tx.fetch("SELECT id, quantity_change FROM pms_inventory_transactions WHERE yacht_id = $1 "
                                 "ORDER BY id", ship.yacht.id)
    assert before, "the opening balance wrote a ledger row"
    for statement in ("UPDATE pms_inventory_transactions SET quantity_change = quantity_change + 1 WHERE yacht_id = $1",
                      "DELETE FROM pms_inventory_transactions WHERE yacht_id = $1"):
        async with as_user(ship.manager) as conn:
            try:
                async with conn.transaction():
                    await conn.execute(statement, ship.yacht.id)
            except asyncpg.PostgresError as exc:
                assert exc.sqlstate == "42501", statement
            after = await lens_tx.fetch("SELECT id, quantity_change FROM pms_inventory_transactions "
                                        "WHERE yacht_id = $1 ORDER BY id", ship.yacht.id)
        assert after == before, statement
