"""A20–A21: the dual ledger. After a mixed workload through the atomic functions, every stock
row's quantity equals the sum of its ledger (check_inventory_drift() is empty) and every
consumed row carries its usage_id; a transfer to the same location is refused."""

import uuid

import pytest

from harness.binding import attempt

from ..lens_sql import insert_ledger, ledger_rows, quantity, signature


async def _consume(binding, conn, ship, qty) -> tuple:
    """A consume as a handler does it: the pms_part_usage row first, its id on the ledger row."""
    usage_id = await conn.fetchval(
        "INSERT INTO pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by) VALUES ($1, $2, $3, 'repair', $4) RETURNING id",
        ship.yacht.id, ship.part.id, qty, ship.crew.id)
    return usage_id, await binding.deduct(conn, ship.stock.id, qty, usage_id=usage_id)


@pytest.mark.acceptance("A20")
async def test_zero_drift_after_a_mixed_workload(lens_tx, factory, as_user, lens_binding, ship):
    """Every movement type through the atomic functions, each by the role allowed to do it; the
    cached quantity must still equal the ledger sum, and consumes must link their usage row."""
    there = await factory.stock(ship.part, ship.there, quantity=0)
    b = lens_binding
    async with as_user(ship.crew, commit=True) as conn:
        assert (await b.add(conn, ship.stock.id, 5, idempotency_key="a20-receive")).success
        consumed = dict([await _consume(b, conn, ship, 2), await _consume(b, conn, ship, 1)])  # usage id -> outcome
    async with as_user(ship.hod, commit=True) as conn:
        assert (await b.add(conn, ship.stock.id, 4, movement="adjusted")).success
        group = {"transfer_group_id": uuid.uuid4(), "from_location_id": ship.here.id, "to_location_id": ship.there.id}
        assert (await b.deduct(conn, ship.stock.id, 3, movement="transferred_out", **group)).success
        assert (await b.add(conn, there.id, 3, movement="transferred_in", **group)).success
        assert (await b.deduct(conn, there.id, 1, movement="write_off", signature=signature(ship.hod), signed_by=ship.hod.id)).success
    async with as_user(ship.manager, commit=True) as conn:
        last_consume = list(consumed.values())[-1]
        reversal = await b.add(conn, ship.stock.id, 1, movement="reversed", reverses_transaction_id=last_consume.ledger_id,
                               signature=signature(ship.manager), signed_by=ship.manager.id)
        assert reversal.success, reversal
    assert all(c.success for c in consumed.values())

    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity + 5 - 3 + 4 - 3 + 1
    assert await quantity(lens_tx, there.id) == 2
    assert await lens_tx.fetch("SELECT * FROM check_inventory_drift() WHERE yacht_id = $1", ship.yacht.id) == []
    consumed_rows = [r for r in await ledger_rows(lens_tx, ship.stock.id) if r["transaction_type"] == "consumed"]
    assert {r["id"]: r["usage_id"] for r in consumed_rows} == {c.ledger_id: u for u, c in consumed.items()}
    statuses = await lens_tx.fetch("SELECT reconciliation_status FROM v_stock_from_transactions WHERE yacht_id = $1", ship.yacht.id)
    assert {r["reconciliation_status"] for r in statuses} == {"OK"}


@pytest.mark.acceptance("A21")
async def test_transfer_to_the_same_location_is_refused(lens_tx, as_user, lens_binding, ship):
    """A transfer from a location to itself books a pair of rows that moves nothing: refused
    through the functions and as a direct insert, booking and moving nothing either way."""
    same = {"from_location_id": ship.here.id, "to_location_id": ship.here.id}
    before = await ledger_rows(lens_tx, ship.stock.id)
    async with as_user(ship.hod, commit=True) as conn:
        row = await lens_binding.deduct(conn, ship.stock.id, 1, movement="transferred_out", **same)
    assert (row.success, row.refused, row.ledger_ids) == (False, True, ())
    assert await quantity(lens_tx, ship.stock.id) == ship.stock.quantity
    direct = await attempt(lens_binding, lens_tx, lambda: insert_ledger(lens_tx, ship, ship.hod, "transferred_out", **same))
    assert direct == "refused"
    assert await ledger_rows(lens_tx, ship.stock.id) == before
