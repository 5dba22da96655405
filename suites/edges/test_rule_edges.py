"""Contract rules probed at their edges, every variation derived from the rule's definition.

A rule checked with one hand-written case passes a defect that narrows it: an idempotency key
unique per stock row passes "same key twice on one stock row", a signature check that skips one
field passes "a valid signature", a window widened to a day passes "signed now". So each test
here loops over what the rule names — every other column of a uniqueness rule, every field of
a signature, both sides of every bound — on the direct-insert path §5 admits (the database alone
decides) and, where the contract says so, through the §6 functions.
"""
from __future__ import annotations

import dataclasses
import json
import uuid

import asyncpg
import pytest

from harness.binding import attempt

from ..lens_sql import insert_ledger, quantity, unaccounted_stock
from .variations import field_variations, signed_columns, window_variations


async def _direct(conn, lens_binding, ship, user, ttype, change=None, **cols) -> str:
    """A direct ledger INSERT in its own savepoint: 'ok', 'refused' or 'denied'."""
    return await attempt(lens_binding, conn, lambda: insert_ledger(conn, ship, user, ttype, change, **cols))


async def _state(lens_tx, ship) -> tuple:
    """Everything a refused insert must leave as it was: the stock quantity and the ledger."""
    return (await quantity(lens_tx, ship.stock.id),
            await lens_tx.fetchval("SELECT count(*) FROM pms_inventory_transactions WHERE yacht_id = $1", ship.yacht.id))


async def test_direct_insert_moves_the_stock(lens_tx, as_user, lens_binding, ship):
    """§4: a direct ledger insert §5 admits moves the stock in the same transaction, exactly as
    the functions do: quantity_before/after are the stock's, the stock takes quantity_after, the
    drift stays 0 — also when the client sends before/after of its own. An implementation may
    instead refuse a lone ledger row by commit (its deferred checks run here); either way nothing
    diverges. One that would take the stock below 0 is refused and changes nothing."""
    opening = await lens_tx.fetchrow("SELECT id, quantity_change FROM pms_inventory_transactions "
                                     "WHERE stock_id = $1 AND transaction_type = 'received'", ship.stock.id)
    transfer = {"from_location_id": ship.here.id, "to_location_id": ship.there.id}
    cases = [(ship.crew, "consumed", -2, {}), (ship.hod, "received", 3, {}), (ship.hod, "adjusted", -1, {}),
             (ship.hod, "transferred_out", -1, transfer), (ship.manager, "write_off", -2, {}),
             (ship.manager, "reversed", -opening["quantity_change"], {"reverses_transaction_id": opening["id"]})]
    for user, ttype, change, cols in cases:
        for lie in (0, 7):
            async with as_user(user) as conn:
                before = await quantity(conn, ship.stock.id)
                sent = {"quantity_before": before + lie, "quantity_after": before + lie + change} if lie else {}
                try:
                    async with conn.transaction():
                        tx = await insert_ledger(conn, ship, user, ttype, change, **cols, **sent)
                        await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what commit would check
                except asyncpg.PostgresError as exc:  # refused (§10: e.g. until the stock moves too)
                    assert lens_binding.classify(exc) == "refused", (ttype, lie, exc)
                    assert await quantity(conn, ship.stock.id) == before, (ttype, lie)
                    continue
                row = await conn.fetchrow("SELECT quantity_before, quantity_change, quantity_after "
                                          "FROM pms_inventory_transactions WHERE id = $1", tx)
                assert tuple(row) == (before, change, before + change), (ttype, lie, dict(row))
                assert await quantity(conn, ship.stock.id) == before + change, (ttype, lie)
                assert not await unaccounted_stock(conn, [ship.yacht.id]), (ttype, lie)
    before = await _state(lens_tx, ship)
    async with as_user(ship.crew) as conn:
        overdraw = await _direct(conn, lens_binding, ship, ship.crew, "consumed", -(before[0] + 1))
    assert (overdraw, await _state(lens_tx, ship)) == ("refused", before)


async def test_reversal_carries_exactly_the_opposite(lens_tx, as_user, lens_binding, ship):
    """§4: a reversed row carries exactly the opposite of the row it reverses — one unit more or
    less is refused, directly and through the functions; the exact opposite is accepted."""
    opening = await lens_tx.fetchrow("SELECT id, quantity_change FROM pms_inventory_transactions "
                                     "WHERE stock_id = $1 AND transaction_type = 'received'", ship.stock.id)
    exact = -opening["quantity_change"]
    before = await _state(lens_tx, ship)
    outcomes = {}
    for amount in (exact - 1, exact + 1, exact):
        async with as_user(ship.manager) as conn:
            outcomes[("direct", amount)] = await _direct(conn, lens_binding, ship, ship.manager, "reversed", amount,
                                                         reverses_transaction_id=opening["id"])
        async with as_user(ship.manager) as conn:
            move = lens_binding.add if amount > 0 else lens_binding.deduct
            called = await move(conn, ship.stock.id, abs(amount), movement="reversed",
                                reverses_transaction_id=opening["id"],
                                **{k: json.loads(v) if k == "signature" else v
                                   for k, v in signed_columns(ship.manager, await conn.fetchval("SELECT now()")).items()})
            outcomes[("function", amount)] = "ok" if called.success else "refused"
    assert outcomes == {(path, a): ("ok" if a == exact else "refused")
                        for path in ("direct", "function") for a in (exact - 1, exact + 1, exact)}
    assert await _state(lens_tx, ship) == before


@pytest.mark.parametrize("ttype", ["write_off", "reversed"])
async def test_direct_insert_signature_fields_one_at_a_time(lens_tx, as_user, lens_binding, ship, ttype):
    """§4/§7: a signed direct insert (write_off, reversed) with each signature field omitted or
    changed on its own is refused and leaves nothing; the unchanged signature is accepted; an
    unsigned one is refused."""
    cols = {}
    if ttype == "reversed":
        cols["reverses_transaction_id"] = await lens_tx.fetchval(
            "SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 AND transaction_type = 'received'", ship.stock.id)
    before = await _state(lens_tx, ship)
    outcomes = {}
    async with as_user(ship.manager) as conn:
        now = await conn.fetchval("SELECT now()")
        for name, change in {"valid": {}, **field_variations(ship.crew, ship.manager)}.items():
            outcomes[name] = await _direct(conn, lens_binding, ship, ship.manager, ttype,
                                           **cols, **signed_columns(ship.manager, now, **change))
        outcomes["unsigned"] = await _direct(conn, lens_binding, ship, ship.manager, ttype, **cols,
                                             signature=None, signed_by=None)
    assert outcomes == {name: ("ok" if name == "valid" else "refused") for name in outcomes}
    assert await _state(lens_tx, ship) == before


async def test_direct_insert_signed_at_window(lens_tx, as_user, lens_binding, ship):
    """§7: signed_at at most 5 minutes ahead and 24 hours old, judged against the database's
    clock: accepted just inside each bound, refused just outside."""
    outcomes = {}
    async with as_user(ship.manager) as conn:
        now = await conn.fetchval("SELECT now()")
        for name, (offset, _) in window_variations().items():
            outcomes[name] = await _direct(conn, lens_binding, ship, ship.manager, "write_off",
                                           **signed_columns(ship.manager, now, signed_at=(now + offset).isoformat()))
    assert outcomes == {name: ("ok" if ok else "refused") for name, (_, ok) in window_variations().items()}


async def test_idempotency_key_unique_per_yacht_whatever_else_varies(lens_tx, as_user, lens_binding, factory,
                                                                     ship, other_ship):
    """§4: idempotency is unique on (yacht_id, idempotency_key). The same key on the same yacht is
    refused whatever else differs — another stock row, another part, another type, another user —
    directly and through the functions; the same key on another yacht is accepted."""
    key = f"edge-{uuid.uuid4()}"
    async with as_user(ship.hod, commit=True) as conn:
        assert (await lens_binding.add(conn, ship.stock.id, 1, movement="received", idempotency_key=key)).success
    other_part = await factory.part(ship.yacht)
    variations = {
        "another stock row": (ship.hod, dataclasses.replace(ship, stock=await factory.stock(ship.part, ship.there)),
                              "received"),
        "another part": (ship.hod, dataclasses.replace(ship, part=other_part,
                                                       stock=await factory.stock(other_part, ship.here)), "received"),
        "another type": (ship.hod, ship, "adjusted"),
        "another user": (ship.manager, ship, "received"),
    }
    before = await _state(lens_tx, ship)
    outcomes = {}
    for name, (user, where, ttype) in variations.items():
        async with as_user(user) as conn:
            outcomes[("direct", name)] = await _direct(conn, lens_binding, where, user, ttype, idempotency_key=key)
        async with as_user(user) as conn:
            called = await lens_binding.add(conn, where.stock.id, 1, movement=ttype, idempotency_key=key)
            outcomes[("function", name)] = "ok" if called.success else "refused"
    async with as_user(other_ship.hod) as conn:
        outcomes[("direct", "another yacht")] = await _direct(conn, lens_binding, other_ship, other_ship.hod,
                                                              "received", idempotency_key=key)
    async with as_user(other_ship.hod) as conn:
        called = await lens_binding.add(conn, other_ship.stock.id, 1, idempotency_key=key)
        outcomes[("function", "another yacht")] = "ok" if called.success else "refused"
    assert outcomes == {k: ("ok" if k[1] == "another yacht" else "refused") for k in outcomes}
    assert await _state(lens_tx, ship) == before


#: §11.4: claims sets that name nobody — sub absent, null or empty — whatever else they carry.
NO_SUB_CLAIMS = {"sub absent": {"role": "authenticated"},
                 "sub null": {"role": "authenticated", "sub": None},
                 "sub empty": {"role": "authenticated", "sub": ""},
                 "no claims": None}


async def test_claims_without_sub_get_nothing(lens_tx, lens_binding, ship):
    """§11.4: an `authenticated` request whose claims carry no `sub` gets nothing from the stock
    functions — on its 'own' (no) yacht, with the stock's yacht named, or with NULL — and
    changes nothing."""
    before = await _state(lens_tx, ship)
    outcomes = {}
    for name, claims in NO_SUB_CLAIMS.items():
        for fn in (lens_binding.add, lens_binding.deduct):
            for yacht in ("default", "named", "null"):
                async with lens_tx.transaction():
                    await lens_tx.execute("SET LOCAL ROLE authenticated")
                    await lens_tx.execute("SELECT set_config('request.jwt.claims', $1, true)",
                                          json.dumps(claims) if claims else "")
                    kwargs = {} if yacht == "default" else {"yacht_id": ship.yacht.id if yacht == "named" else None}
                    got = await fn(lens_tx, ship.stock.id, 1, **kwargs)
                    outcomes[(name, fn.__name__, yacht)] = got.success
                    await lens_tx.execute("RESET ROLE")
    assert not any(outcomes.values()), [k for k, ok in outcomes.items() if ok]
    assert await _state(lens_tx, ship) == before
