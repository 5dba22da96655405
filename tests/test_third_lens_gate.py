"""Binding choice from the catalog (issue 22): a contract-only implementation needs no binding code.

The third example (examples/third_lens: three-parameter functions, the ledger written by a
trigger, Supabase CLI layout, §7's actions as SQL functions over PostgREST) is driven by the
contract binding because of what its catalog holds and gates to PASS, the second lens is
recognised from a copy anywhere on disk, and a target no binding fits stops the gate with exit 2
saying what did not fit and how to choose. The gate runs are slow.
"""

import json
import shutil

import psycopg
import pytest

from harness import db, migrate
from harness.binding import choose_on
from harness.binding.contract import ContractBinding
from harness.config import PROJECT_SQL_DIR
from harness.implementations import EXAMPLES

from .conftest import run_cli

THIRD = EXAMPLES / "third_lens" / "supabase"
SECOND = EXAMPLES / "second_lens" / "supabase"
# A team's function with its own parameter names: nothing shipped can call it.
UNFIT = """
DROP FUNCTION public.deduct_stock_inventory(uuid, integer, uuid);
CREATE FUNCTION public.deduct_stock_inventory(p_stock uuid, p_qty integer)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM public.inv_move_stock(p_stock, p_qty, public.get_user_yacht_id(), -1)
$fn$;
"""
# The criteria only HTTP checks verify (harness/criteria.py): blocked when there is no API to test.
HTTP_CRITERIA = ("atomic_functions", "acceptance", "negative", "role_action", "zero_5xx", "error_table", "api")
# CONTRACT §11.6: the quantity changes only with its ledger row, never by a direct UPDATE.
SEEDED = "-- a HOD may correct a count by hand\nGRANT UPDATE (quantity) ON public.pms_inventory_stock TO authenticated;\n"


def _copy_with(tmp_path, source, name: str, sql: str):
    """A copy of a Supabase project with one more migration, as a team's branch would have it."""
    project = shutil.copytree(source.parent, tmp_path / "project")
    (project / "supabase" / "migrations" / f"20261201090000_{name}.sql").write_text(sql)
    return project / "supabase"


async def test_each_shipped_implementation_gets_its_binding_from_its_catalog(spare_server):
    chosen = {}
    for name, sql_dir in (("reference", PROJECT_SQL_DIR), ("second", SECOND), ("third", THIRD)):
        with psycopg.connect(spare_server.admin_dsn, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        migrate.apply(spare_server.dsn_for(name), sql_dir)
        conn = await db.connect(spare_server.dsn_for(name))
        try:
            chosen[name] = await choose_on(conn)
        finally:
            await conn.close()
    assert chosen == {"reference": "reference", "second": "second", "third": "contract"}


async def test_the_contract_binding_reads_the_view_columns_from_the_catalog(spare_server, tmp_path):
    """The contract names the views, not their columns: other names still fit, and are found."""
    renamed = _copy_with(tmp_path, THIRD, "own_view_names", (
        "ALTER VIEW public.pms_part_stock RENAME COLUMN on_hand TO available;\n"
        "ALTER VIEW public.v_stock_from_transactions RENAME COLUMN quantity TO cached;\n"
        "ALTER VIEW public.v_stock_from_transactions RENAME COLUMN ledger_sum TO ledger_total;\n"))
    migrate.apply(spare_server.admin_dsn, renamed)
    conn = await db.connect(spare_server.admin_dsn)
    try:
        assert await choose_on(conn) == "contract"
        binding = ContractBinding()
        await binding.discover(conn)
    finally:
        await conn.close()
    assert binding.view_columns == {"pms_part_stock": ("part_id", "available"),
                                    "v_stock_from_transactions": ("stock_id", "cached", "ledger_total")}


def test_a_target_no_binding_fits_stops_with_exit_2(tmp_path):
    sql_dir = _copy_with(tmp_path, THIRD, "own_parameter_names", UNFIT)
    result = run_cli("run", "--sql-dir", str(sql_dir), "--suites", "conformance", "--report-dir", str(tmp_path / "r"),
                     "--quiet", timeout=300)
    assert result.returncode == 2, result.stderr[-3000:]
    stopped = json.loads((tmp_path / "r" / "run.json").read_text())["stopped"]
    assert stopped["step"] == "binding"
    assert "no binding fits" in stopped["reason"] and "contract: deduct_stock_inventory parameters are (p_stock, p_qty)" \
        in stopped["reason"], stopped
    assert "--binding" in stopped["fix"]
    assert "no binding fits" in result.stderr


@pytest.mark.slow
def test_the_third_lens_passes_without_binding_or_handler_code(tmp_path):
    """Every criterion passes through the contract binding, the HTTP ones included: its actions
    are SQL functions, served by the platform's PostgREST-shaped gateway, never a Python handler."""
    result = run_cli("run", "--sql-dir", str(THIRD), "--report-dir", str(tmp_path), "--quiet", timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["binding"] == {"name": "contract", "chosen_by": "catalog"}
    assert run["verdict"]["label"] == "PASS"
    status = {c["key"]: c["status"] for c in run["verdict"]["criteria"]}
    assert {key: status[key] for key in HTTP_CRITERIA} == dict.fromkeys(HTTP_CRITERIA, "pass"), status
    assert "no API to test" not in result.stderr


@pytest.mark.slow
def test_a_copy_with_a_seeded_defect_fails_naming_it(tmp_path):
    sql_dir = _copy_with(tmp_path, THIRD, "hod_corrects_counts", SEEDED)
    result = run_cli("run", "--sql-dir", str(sql_dir), "--suites", "surface", "--report-dir", str(tmp_path / "r"),
                     "--quiet", timeout=1200)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "column_update:pms_inventory_stock.quantity:chief_engineer:update:own" in \
        (tmp_path / "r" / "junit.xml").read_text()


@pytest.mark.slow
def test_the_second_lens_passes_from_a_copy_without_binding(tmp_path):
    project = shutil.copytree(SECOND.parent, tmp_path / "second_lens")
    result = run_cli("run", "--sql-dir", str(project / "supabase"), "--report-dir", str(tmp_path / "r"), "--quiet",
                     timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((tmp_path / "r" / "run.json").read_text())["binding"] == {"name": "second", "chosen_by": "catalog"}
