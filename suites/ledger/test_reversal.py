"""A13–A14: a ledger row can be reversed once, and a reversal cannot itself be reversed —
through the function and at the table (unique index, trigger)."""

import asyncpg
import pytest

from ..lens_sql import add, deduct, insert_ledger, ledger_rows, signature


async def _opening_row(lens_tx, ship):
    return next(r for r in await ledger_rows(lens_tx, ship.stock.id) if r["transaction_type"] == "received")


async def _reverse(conn, ship, row, user):
    fn = deduct if row["quantity_change"] > 0 else add
    return await fn(conn, ship.stock.id, abs(row["quantity_change"]), ttype="reversed",
                    reverses_transaction_id=row["id"], signature=signature(user), signed_by=user.id)


@pytest.mark.acceptance("A13")
async def test_second_reversal_is_refused(lens_tx, as_user, ship):
    """Reversing twice would undo a movement twice. The function answers already_reversed and
    the unique index refuses a direct second reversal even with stock to cover it."""
    target = await _opening_row(lens_tx, ship)
    async with as_user(ship.manager, commit=True) as conn:
        first = await _reverse(conn, ship, target, ship.manager)
        second = await _reverse(conn, ship, target, ship.manager)
    assert first["success"] is True and first["quantity_after"] == ship.stock.quantity - target["quantity_change"]
    assert (second["success"], second["error_code"]) == (False, "already_reversed")
    reversals = [r for r in await ledger_rows(lens_tx, ship.stock.id) if r["reverses_transaction_id"] == target["id"]]
    assert len(reversals) == 1
    async with as_user(ship.crew, commit=True) as conn:  # stock again, so only the index can refuse
        assert (await add(conn, ship.stock.id, 5, idempotency_key="a13-restock"))["success"]
    with pytest.raises(asyncpg.UniqueViolationError) as err:
        async with lens_tx.transaction():
            await insert_ledger(lens_tx, ship, ship.manager, "reversed", -1, reverses_transaction_id=target["id"])
    assert err.value.constraint_name == "uq_inventory_tx_reverses"


@pytest.mark.acceptance("A14")
async def test_reversal_of_a_reversal_is_refused(lens_tx, as_user, ship):
    """A reversal of a reversal silently re-applies the original movement: refused by the
    function (invalid_reversal) and by the trigger for direct inserts (23514)."""
    target = await _opening_row(lens_tx, ship)
    async with as_user(ship.manager, commit=True) as conn:
        reversal = await _reverse(conn, ship, target, ship.manager)
        reversal_row = await lens_tx.fetchrow("SELECT * FROM pms_inventory_transactions WHERE id = $1", reversal["transaction_id"])
        again = await _reverse(conn, ship, reversal_row, ship.manager)
    assert reversal["success"] is True
    assert (again["success"], again["error_code"]) == (False, "invalid_reversal")
    with pytest.raises(asyncpg.CheckViolationError, match="invalid_reversal"):
        async with lens_tx.transaction():
            await insert_ledger(lens_tx, ship, ship.manager, "reversed", -reversal_row["quantity_change"],
                                reverses_transaction_id=reversal_row["id"])
