"""A13–A14: a ledger row can be reversed once, and a reversal cannot itself be reversed —
through the atomic functions (via the binding) and at the table, whatever guard refuses it."""

import pytest

from harness.binding import attempt

from ..lens_sql import insert_ledger, ledger_rows, quantity, signature


async def _opening_row(lens_tx, ship):
    return next(r for r in await ledger_rows(lens_tx, ship.stock.id) if r["transaction_type"] == "received")


async def reverse(binding, conn, ship, row, user):
    """Book the reversal of ledger `row`: the opposite movement, signed, naming the row."""
    move = binding.deduct if row["quantity_change"] > 0 else binding.add
    return await move(conn, ship.stock.id, abs(row["quantity_change"]), movement="reversed",
                      reverses_transaction_id=row["id"], signature=signature(user), signed_by=user.id)


@pytest.mark.acceptance("A13")
async def test_second_reversal_is_refused(lens_tx, as_user, lens_binding, ship):
    """Reversing twice would undo a movement twice. The second reversal is refused and books
    nothing, and the table refuses a direct second reversal even with stock to cover it."""
    target = await _opening_row(lens_tx, ship)
    async with as_user(ship.manager, commit=True) as conn:
        first = await reverse(lens_binding, conn, ship, target, ship.manager)
        second = await reverse(lens_binding, conn, ship, target, ship.manager)
    assert first.success is True and first.quantity_after == ship.stock.quantity - target["quantity_change"]
    assert (second.success, second.refused, second.ledger_ids) == (False, True, ())
    assert await quantity(lens_tx, ship.stock.id) == first.quantity_after
    reversals = [r["id"] for r in await ledger_rows(lens_tx, ship.stock.id) if r["reverses_transaction_id"] == target["id"]]
    assert reversals == [first.ledger_id]
    async with as_user(ship.crew, commit=True) as conn:  # stock again, so only the uniqueness guard can refuse
        assert (await lens_binding.add(conn, ship.stock.id, 5, idempotency_key="a13-restock")).success
    direct = await attempt(lens_binding, lens_tx, lambda: insert_ledger(
        lens_tx, ship, ship.manager, "reversed", -1, reverses_transaction_id=target["id"]))
    assert direct == "refused"
    assert [r["id"] for r in await ledger_rows(lens_tx, ship.stock.id) if r["reverses_transaction_id"] == target["id"]] == reversals


@pytest.mark.acceptance("A14")
async def test_reversal_of_a_reversal_is_refused(lens_tx, as_user, lens_binding, ship):
    """A reversal of a reversal silently re-applies the original movement: refused through the
    functions and as a direct insert, booking nothing either way."""
    target = await _opening_row(lens_tx, ship)
    async with as_user(ship.manager, commit=True) as conn:
        reversal = await reverse(lens_binding, conn, ship, target, ship.manager)
        reversal_row = await lens_tx.fetchrow("SELECT * FROM pms_inventory_transactions WHERE id = $1", reversal.ledger_id)
        again = await reverse(lens_binding, conn, ship, reversal_row, ship.manager)
    assert reversal.success is True and reversal_row["transaction_type"] == "reversed"
    assert (again.success, again.refused, again.ledger_ids) == (False, True, ())
    assert await quantity(lens_tx, ship.stock.id) == reversal.quantity_after
    direct = await attempt(lens_binding, lens_tx, lambda: insert_ledger(
        lens_tx, ship, ship.manager, "reversed", -reversal_row["quantity_change"], reverses_transaction_id=reversal_row["id"]))
    assert direct == "refused"
    assert [r for r in await ledger_rows(lens_tx, ship.stock.id) if r["reverses_transaction_id"] == reversal_row["id"]] == []
