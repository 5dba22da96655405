"""A10–A12: a deactivated stock row refuses every mutation and every new ledger row, whoever
asks (owner and service_role included); reactivation restores mutations."""

import asyncpg
import pytest

from harness.db import as_service_role

from ..lens_sql import add, deduct, insert_ledger, ledger_rows, quantity


async def _deactivate(lens_tx, ship):
    await lens_tx.execute("UPDATE pms_inventory_stock SET deleted_at = now(), deleted_by = $2 WHERE id = $1",
                          ship.stock.id, ship.hod.id)


@pytest.mark.acceptance("A10")
async def test_deduct_on_deactivated_stock_is_refused(lens_tx, as_user, ship):
    """The atomic functions answer stock_deactivated (not a raw SQL error) and change nothing."""
    await _deactivate(lens_tx, ship)
    before = len(await ledger_rows(lens_tx, ship.stock.id))
    async with as_user(ship.crew, commit=True) as conn:
        deducted = await deduct(conn, ship.stock.id, 1)
        added = await add(conn, ship.stock.id, 1, idempotency_key="after-deactivation")
    assert (deducted["success"], deducted["error_code"]) == (False, "stock_deactivated")
    assert (added["success"], added["error_code"]) == (False, "stock_deactivated")
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity
    assert len(await ledger_rows(lens_tx, ship.stock.id)) == before


async def _sqlstate(lens_tx, action) -> str | None:
    try:
        async with lens_tx.transaction():
            await action()
    except asyncpg.PostgresError as exc:
        return exc.sqlstate
    return None


@pytest.mark.acceptance("A11")
async def test_trigger_refuses_direct_ledger_inserts_and_updates_for_everyone(lens_tx, as_user, ship):
    """The guard lives in the database, so writers that skip the functions (owner, service_role
    with BYPASSRLS, a HOD under RLS) are refused too: SQLSTATE 55000 for each."""
    await _deactivate(lens_tx, ship)

    async def as_hod():
        async with as_user(ship.hod, commit=True) as conn:
            await insert_ledger(conn, ship, ship.hod, "adjusted")

    async def as_service():
        async with as_service_role(lens_tx) as conn:
            await insert_ledger(conn, ship, ship.hod, "adjusted")

    outcomes = {
        "owner insert": await _sqlstate(lens_tx, lambda: insert_ledger(lens_tx, ship, ship.hod, "adjusted")),
        "service_role insert": await _sqlstate(lens_tx, as_service),
        "HOD insert": await _sqlstate(lens_tx, as_hod),
        "owner quantity update": await _sqlstate(lens_tx, lambda: lens_tx.execute(
            "UPDATE pms_inventory_stock SET quantity = quantity + 1 WHERE id = $1", ship.stock.id)),
    }
    assert outcomes == {k: "55000" for k in outcomes}


@pytest.mark.acceptance("A12")
async def test_reactivation_restores_mutations(lens_tx, as_user, ship):
    """Soft delete must be reversible: a HOD clears deleted_at (the reactivate_part path, under
    RLS) and the next deduct succeeds and is booked in the ledger."""
    await _deactivate(lens_tx, ship)
    before = len(await ledger_rows(lens_tx, ship.stock.id))
    async with as_user(ship.hod, commit=True) as conn:
        status = await conn.execute(
            "UPDATE pms_inventory_stock SET deleted_at = NULL, deleted_by = NULL WHERE id = $1", ship.stock.id)
    assert status == "UPDATE 1"
    async with as_user(ship.crew, commit=True) as conn:
        row = await deduct(conn, ship.stock.id, 2)
    assert (row["success"], row["quantity_before"], row["quantity_after"]) == (True, ship.stock.quantity, ship.stock.quantity - 2)
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity - 2
    assert len(await ledger_rows(lens_tx, ship.stock.id)) == before + 1
