"""Reference-only checks (CONTRACT §10 right column): what the reference's own migrations and
functions answer beyond the contract — its error codes beyond §6, the original transaction id
in its 5th return column, its constraint names and SQLSTATEs. The acceptance tests A08, A11,
A13, A14 and A21 assert the contract (refused, no row, no stock change); these pin how the
reference refuses, so a regression in its own guards is still named precisely. Not part of
acceptance; skipped for any other implementation."""

import asyncpg
import pytest

from ..ledger.test_reversal import reverse
from ..lens_sql import insert_ledger, ledger_rows, writes_bypassing_the_functions


async def _raises(lens_tx, action) -> asyncpg.PostgresError | None:
    try:
        async with lens_tx.transaction():
            await action()
    except asyncpg.PostgresError as exc:
        return exc
    return None


async def test_duplicate_key_answers_duplicate_request_with_the_original_row(lens_tx, as_user, lens_binding, ship):
    """A08's refusal, as the reference words it: error_code duplicate_request, the original
    ledger row in transaction_id, and the unique index uq_inventory_tx_idempotency (23505)."""
    async with as_user(ship.crew, commit=True) as conn:
        first = await lens_binding.add(conn, ship.stock.id, 3, idempotency_key="ref-po-1")
        again = await lens_binding.add(conn, ship.stock.id, 3, idempotency_key="ref-po-1")
    assert (again.error_code, again.raw["transaction_id"]) == ("duplicate_request", first.ledger_id)
    err = await _raises(lens_tx, lambda: insert_ledger(lens_tx, ship, ship.hod, "received", idempotency_key="ref-po-1"))
    assert (type(err), err.constraint_name) == (asyncpg.UniqueViolationError, "uq_inventory_tx_idempotency")


async def test_second_reversal_answers_already_reversed(lens_tx, as_user, lens_binding, ship):
    """A13's refusal: error_code already_reversed; a direct second reversal hits the unique
    index uq_inventory_tx_reverses (23505)."""
    target = next(r for r in await ledger_rows(lens_tx, ship.stock.id) if r["transaction_type"] == "received")
    async with as_user(ship.manager, commit=True) as conn:
        await reverse(lens_binding, conn, ship, target, ship.manager)
        second = await reverse(lens_binding, conn, ship, target, ship.manager)
        assert (await lens_binding.add(conn, ship.stock.id, target["quantity_change"], movement="adjusted")).success
    assert second.error_code == "already_reversed"
    err = await _raises(lens_tx, lambda: insert_ledger(lens_tx, ship, ship.manager, "reversed",
                                                        -target["quantity_change"], reverses_transaction_id=target["id"]))
    assert (type(err), err.constraint_name) == (asyncpg.UniqueViolationError, "uq_inventory_tx_reverses")


async def test_reversal_of_a_reversal_answers_invalid_reversal(lens_tx, as_user, lens_binding, ship):
    """A14's refusal: error_code invalid_reversal; the trigger trg_inventory_tx_reversal_guard
    raises 23514 with message invalid_reversal for a direct insert."""
    target = next(r for r in await ledger_rows(lens_tx, ship.stock.id) if r["transaction_type"] == "received")
    async with as_user(ship.manager, commit=True) as conn:
        reversal = await reverse(lens_binding, conn, ship, target, ship.manager)
        row = await lens_tx.fetchrow("SELECT * FROM pms_inventory_transactions WHERE id = $1", reversal.ledger_id)
        again = await reverse(lens_binding, conn, ship, row, ship.manager)
    assert again.error_code == "invalid_reversal"
    err = await _raises(lens_tx, lambda: insert_ledger(lens_tx, ship, ship.manager, "reversed", -row["quantity_change"],
                                                        reverses_transaction_id=row["id"]))
    assert (type(err), str(err).split(":")[0]) == (asyncpg.CheckViolationError, "invalid_reversal")


async def test_deactivated_stock_guards_raise_55000(lens_tx, as_user, ship):
    """A11's refusals: the soft-delete triggers raise SQLSTATE 55000 (stock_deactivated) for the
    owner, service_role and a HOD, and for a quantity update."""
    await lens_tx.execute("UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = $1", ship.stock.id)
    errors = [await _raises(lens_tx, write) for write in writes_bypassing_the_functions(lens_tx, as_user, ship).values()]
    assert [(e.sqlstate, str(e).split(":")[0]) for e in errors] == [("55000", "stock_deactivated")] * 4


async def test_same_location_transfer_answers_invalid_transfer(lens_tx, as_user, lens_binding, ship):
    """A21's refusal: error_code invalid_transfer; check constraint
    chk_inventory_tx_transfer_locations (23514) for a direct insert."""
    same = {"from_location_id": ship.here.id, "to_location_id": ship.here.id}
    async with as_user(ship.hod, commit=True) as conn:
        row = await lens_binding.deduct(conn, ship.stock.id, 1, movement="transferred_out", **same)
    assert row.error_code == "invalid_transfer"
    err = await _raises(lens_tx, lambda: insert_ledger(lens_tx, ship, ship.hod, "transferred_out", **same))
    assert (type(err), err.constraint_name) == (asyncpg.CheckViolationError, "chk_inventory_tx_transfer_locations")


@pytest.mark.parametrize("movement, tier, expected", [
    ("write_off", "crew", "forbidden"), ("reversed", "hod", "forbidden"), ("adjusted", "hod", None)])
async def test_functions_apply_the_handler_role_model(lens_tx, as_user, lens_binding, ship, movement, tier, expected):
    """The reference's functions take p_transaction_type and gate it by the handler's role
    model (CONTRACT §7) when claims are set, answering its own code `forbidden`."""
    user = getattr(ship, tier)
    async with as_user(user) as conn:
        row = await lens_binding.deduct(conn, ship.stock.id, 1, movement=movement)
    assert row.error_code == expected


async def test_functions_write_the_ledger_row_and_return_it(lens_tx, as_user, lens_binding, ship):
    """The reference's deviation from §6 (docs/ARCHITECTURE.md): five parameters with defaults,
    a fifth return column transaction_id naming the ledger row the function wrote itself."""
    args = await lens_tx.fetch(
        "SELECT pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result FROM pg_proc p "
        "WHERE p.proname IN ('deduct_stock_inventory', 'add_stock_inventory') AND p.pronamespace = 'public'::regnamespace")
    assert len(args) == 2
    for r in args:
        assert "p_transaction_type text DEFAULT" in r["args"] and "p_details jsonb DEFAULT" in r["args"], r["args"]
        assert r["result"].endswith("error_code text, transaction_id uuid)"), r["result"]
    async with as_user(ship.crew) as conn:
        row = await lens_binding.deduct(conn, ship.stock.id, 2)
        written = await conn.fetchrow("SELECT * FROM pms_inventory_transactions WHERE id = $1", row.raw["transaction_id"])
    assert (written["transaction_type"], written["quantity_change"], written["user_id"]) == ("consumed", -2, ship.crew.id)
