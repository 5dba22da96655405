"""A10–A12: a deactivated stock row refuses every mutation and every new ledger row, whoever
asks (owner and service_role included); reactivation restores mutations."""

import pytest

from harness.binding import attempt

from ..lens_sql import ledger_rows, quantity, writes_bypassing_the_functions


async def _deactivate(lens_tx, ship):
    await lens_tx.execute("UPDATE pms_inventory_stock SET deleted_at = now(), deleted_by = $2 WHERE id = $1",
                          ship.stock.id, ship.hod.id)


@pytest.mark.acceptance("A10")
async def test_deduct_on_deactivated_stock_is_refused(lens_tx, as_user, lens_binding, ship):
    """The atomic functions answer stock_deactivated (CONTRACT §6; not a raw SQL error) and
    change nothing."""
    await _deactivate(lens_tx, ship)
    before = len(await ledger_rows(lens_tx, ship.stock.id))
    async with as_user(ship.crew, commit=True) as conn:
        deducted = await lens_binding.deduct(conn, ship.stock.id, 1)
        added = await lens_binding.add(conn, ship.stock.id, 1, idempotency_key="after-deactivation")
    assert (deducted.success, deducted.error_code) == (False, "stock_deactivated")
    assert (added.success, added.error_code) == (False, "stock_deactivated")
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity
    assert len(await ledger_rows(lens_tx, ship.stock.id)) == before


@pytest.mark.acceptance("A11")
async def test_trigger_refuses_direct_ledger_inserts_and_updates_for_everyone(lens_tx, as_user, lens_binding, ship):
    """The guard lives in the database, so writers that skip the functions (owner, service_role
    with BYPASSRLS, a HOD under RLS) are refused too — however the implementation raises it —
    and nothing is booked or moved."""
    await _deactivate(lens_tx, ship)
    before = await ledger_rows(lens_tx, ship.stock.id)
    writes = writes_bypassing_the_functions(lens_tx, as_user, ship)
    outcomes = {name: await attempt(lens_binding, lens_tx, write) for name, write in writes.items()}
    assert outcomes == {k: "refused" for k in outcomes}
    assert await ledger_rows(lens_tx, ship.stock.id) == before
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity


@pytest.mark.acceptance("A12")
async def test_reactivation_restores_mutations(lens_tx, as_user, lens_binding, ship):
    """Soft delete must be reversible: clearing deleted_at (what reactivate_part does; §11.6
    keeps it from a direct UPDATE by an API role, so the owner clears it here) lets the next
    deduct succeed and be booked in the ledger."""
    await _deactivate(lens_tx, ship)
    before = len(await ledger_rows(lens_tx, ship.stock.id))
    status = await lens_tx.execute(
        "UPDATE pms_inventory_stock SET deleted_at = NULL, deleted_by = NULL WHERE id = $1", ship.stock.id)
    assert status == "UPDATE 1"
    async with as_user(ship.crew, commit=True) as conn:
        row = await lens_binding.deduct(conn, ship.stock.id, 2)
    assert (row.success, row.quantity_before, row.quantity_after) == (True, ship.stock.quantity, ship.stock.quantity - 2)
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity - 2
    after = await ledger_rows(lens_tx, ship.stock.id)
    assert len(after) == before + 1 and row.ledger_id in {r["id"] for r in after}
