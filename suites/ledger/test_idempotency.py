"""A08–A09: idempotency keys are unique per yacht — a retried request cannot book twice, and
two yachts never collide. Checked through the function and at the table (the unique index)."""

import asyncpg
import pytest

from ..lens_sql import add, insert_ledger, ledger_rows, quantity


@pytest.mark.acceptance("A08")
async def test_duplicate_key_is_rejected(lens_tx, as_user, ship):
    """A retried receive must not book twice. The function answers duplicate_request with the
    original row, and the unique index holds even for writers that skip the function."""
    async with as_user(ship.crew, commit=True) as conn:
        first = await add(conn, ship.stock.id, 3, idempotency_key="po-1001")
        again = await add(conn, ship.stock.id, 3, idempotency_key="po-1001")
    assert first["success"] is True
    assert (again["success"], again["error_code"], again["transaction_id"]) == (False, "duplicate_request", first["transaction_id"])
    assert await quantity(lens_tx, ship.stock.id) == first["quantity_after"]
    assert [r["id"] for r in await ledger_rows(lens_tx, ship.stock.id) if r["idempotency_key"] == "po-1001"] == [first["transaction_id"]]
    with pytest.raises(asyncpg.UniqueViolationError) as err:  # the index holds even for the owner
        async with lens_tx.transaction():
            await insert_ledger(lens_tx, ship, ship.hod, "received", idempotency_key="po-1001")
    assert err.value.constraint_name == "uq_inventory_tx_idempotency"


@pytest.mark.acceptance("A09")
async def test_same_key_on_two_yachts_is_accepted(lens_tx, as_user, ship, other_ship):
    """Keys are per yacht: a global index would let one tenant block (and probe) another."""
    async with as_user(ship.crew, commit=True) as conn:
        mine = await add(conn, ship.stock.id, 2, idempotency_key="shared-key-7")
    async with as_user(other_ship.crew, commit=True) as conn:
        theirs = await add(conn, other_ship.stock.id, 2, idempotency_key="shared-key-7")
    assert [(r["success"], r["error_code"]) for r in (mine, theirs)] == [(True, None), (True, None)]
    assert mine["transaction_id"] != theirs["transaction_id"]
    async with lens_tx.transaction():  # and directly at the table
        await insert_ledger(lens_tx, ship, ship.hod, "received", idempotency_key="direct-shared")
        await insert_ledger(lens_tx, other_ship, other_ship.hod, "received", idempotency_key="direct-shared")
