"""A01–A05: tenant isolation. Every check runs as `authenticated` with JWT claims (the PostgREST
way) and first proves the identity can neither bypass RLS nor is a superuser — a suite that
connects as the owner passes with every policy dropped."""

import pytest

from ..lens_sql import assert_rls_applies, ledger_rows, quantity

TABLE_OF = {
    "A01": ("pms_parts", lambda s: s.part.id),
    "A02": ("pms_inventory_stock", lambda s: s.stock.id),
    "A03": ("pms_inventory_transactions", None),
    "A04": ("pms_part_locations", lambda s: s.here.id),
}


async def _visible_ids(conn, table: str) -> set:
    return {r["id"] for r in await conn.fetch(f"SELECT id FROM public.{table}")}


async def _row_ids(lens_tx, table: str, ship) -> set:
    """The yacht's own rows, read as the owner (ground truth)."""
    return {r["id"] for r in await lens_tx.fetch(f"SELECT id FROM public.{table} WHERE yacht_id = $1", ship.yacht.id)}


@pytest.mark.parametrize("test_id", [pytest.param(i, marks=pytest.mark.acceptance(i), id=f"{i}-{t}") for i, (t, _) in TABLE_OF.items()])
async def test_user_sees_only_own_yacht_rows(test_id, lens_tx, as_user, ship, other_ship):
    """Both yachts have rows, so an empty result cannot pass: own rows visible, foreign rows not,
    not even when asked for by yacht id."""
    table, _ = TABLE_OF[test_id]
    own, foreign = await _row_ids(lens_tx, table, ship), await _row_ids(lens_tx, table, other_ship)
    assert own and foreign, "both yachts must have rows for the check to mean anything"
    async with as_user(ship.crew) as conn:
        await assert_rls_applies(conn)
        visible = await _visible_ids(conn, table)
        foreign_count = await conn.fetchval(f"SELECT count(*) FROM public.{table} WHERE yacht_id = $1", other_ship.yacht.id)
    assert own <= visible, f"{table}: own rows hidden"
    assert not (visible & foreign), f"{table}: another yacht's rows are visible"
    assert foreign_count == 0


@pytest.mark.acceptance("A05")
async def test_cross_yacht_deduct_is_refused_even_with_a_forged_yacht_id(lens_tx, as_user, lens_binding, ship, other_ship):
    """Crew of yacht A calls deduct_stock_inventory on yacht B's stock, passing B's id: nothing changes."""
    before_qty, before_rows = await quantity(lens_tx, other_ship.stock.id), await ledger_rows(lens_tx, other_ship.stock.id)
    async with as_user(ship.crew, commit=True) as conn:
        await assert_rls_applies(conn)
        forged = await lens_binding.deduct(conn, other_ship.stock.id, 1, yacht_id=other_ship.yacht.id)
        implicit = await lens_binding.deduct(conn, other_ship.stock.id, 1)
        own_yacht = await lens_binding.deduct(conn, other_ship.stock.id, 1, yacht_id=ship.yacht.id)
    for row in (forged, implicit, own_yacht):
        assert (row.success, row.error_code) == (False, "stock_not_found")
    assert await quantity(lens_tx, other_ship.stock.id) == before_qty
    assert await ledger_rows(lens_tx, other_ship.stock.id) == before_rows
    async with as_user(ship.crew) as conn:  # the caller's own stock still works: the refusal is specific
        assert (await lens_binding.deduct(conn, ship.stock.id, 1)).success is True
