"""The attack-surface inventory (harness/surface.py): every cell generated from the catalog is
tried as `authenticated` with JWT claims (or as `anon`) inside the test's rolled-back
transaction, one savepoint per cell, and judged against the contract's role model.

One test per surface, each cell a sub-result: the matrix (cells verified / failed / observed)
goes to `surface/<surface>.<worker>.json` for the report and into the JUnit properties; the
test fails listing every failed cell.  Nothing commits, so the inventory also runs on a
verify-only DSN."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass

import asyncpg
import pytest

from harness import roles, surface
from harness.binding import UNSET
from harness.factories import Factory, Stock, User, Yacht
from harness.surface import Cell

from ..lens_sql import Ship, insert_ledger

OPENING = 10


@dataclass
class Side:
    """One yacht of the inventory: a user per surface role, a part, two locations, a stock row
    with an opening balance, a deactivated stock row, and one row in every per-yacht table."""

    ship: Ship
    users: dict[str, User]
    dead: Stock

    @property
    def yacht(self) -> Yacht:
        return self.ship.yacht


async def _side(f: Factory) -> Side:
    yacht = await f.yacht()
    users = {role: await f.user(yacht, role) for role in roles.SURFACE_ROLES.values()}
    part = await f.part(yacht)
    here, there = await f.location(yacht), await f.location(yacht)
    stock = await f.stock(part, here, quantity=OPENING)
    dead = await f.stock(await f.part(yacht), there, quantity=OPENING)
    await f.conn.execute("UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = $1", dead.id)
    crew = users["deckhand"]
    await f.conn.execute("INSERT INTO pms_part_usage (yacht_id, part_id, quantity, used_by) VALUES ($1, $2, 1, $3)",
                         yacht.id, part.id, crew.id)
    await f.conn.execute("INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, "
                         "status, created_by) VALUES ($1, $2, 'p', 1, 'pending', $3)", yacht.id, part.id, crew.id)
    await f.conn.execute("INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, signature) "
                         "VALUES ($1, 'part', $2, 'surface_seed', $3, '{}'::jsonb)", yacht.id, part.id, crew.id)
    ship = Ship(yacht, users["deckhand"], users["chief_engineer"], users["captain"], part, here, there, stock)
    return Side(ship, users, dead)


@pytest.fixture
async def sides(factory):
    return await _side(factory), await _side(factory)


def _record(cells: list[Cell], name: str, lens_artifacts, record_property) -> None:
    """Write the matrix, put the totals in JUnit, fail with every failed cell."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    surface.write_matrix(lens_artifacts / "surface", f"{name}.{worker}", cells)
    for key, value in surface.summary(cells).get(cells[0].surface if cells else name, {}).items():
        record_property(f"surface[{name}].{key}", str(value))
    unrun = [c.label() for c in cells if c.verdict == "not run"]
    failed = [f"{c.label()}: expected {c.expected} ({c.rule}), got {c.actual} {c.detail}" for c in cells
              if c.verdict == "failed"]
    assert not failed, f"{len(failed)} of {len(cells)} cells failed:\n" + "\n".join(failed)
    assert not unrun, f"cells without a result: {unrun}"


async def _as(lens_tx, as_user, who, work):
    """Run ``work(conn)`` as ``who`` (a User, or "anon") in a savepoint that is rolled back."""
    if who == "anon":
        async with lens_tx.transaction():
            await lens_tx.execute("SET LOCAL ROLE anon")
            result = await work(lens_tx)
            await lens_tx.execute("RESET ROLE")
            raise _Rollback(result)
    async with as_user(who) as conn:
        return await work(conn)


class _Rollback(Exception):
    def __init__(self, result):
        self.result = result


async def _attempt(lens_binding, lens_tx, as_user, who, work) -> tuple[str, str]:
    """(allowed | denied | error, detail): ``work`` returns truthy when the operation took effect."""
    try:
        took = await _as(lens_tx, as_user, who, work)
    except _Rollback as rb:
        took = rb.result
    except asyncpg.PostgresError as exc:
        kind = lens_binding.classify(exc)
        return ("denied", f"{kind} {exc.sqlstate}") if kind else ("error", f"{exc.sqlstate} {exc}"[:160])
    except asyncpg.DataError as exc:   # refused by the parameter's type before the call
        return "denied", f"type bound: {str(exc)[:80]}"
    return ("allowed", str(took)) if took else ("denied", f"no effect ({took})")


def _affected(status: str) -> int:
    return int(status.split()[-1])


async def test_tables(lens_tx, as_user, lens_binding, sides, lens_artifacts, record_property):
    """Every per-yacht table x role x select/insert/update/delete x own/foreign yacht."""
    own, foreign = sides
    cells = surface.table_cells(await surface.yacht_tables(lens_tx))
    for cell in cells:
        yacht = (own if cell.scope == "own" else foreign).yacht.id
        user = own.users[cell.role]
        present = await lens_tx.fetchval(f"SELECT count(*) FROM public.{cell.target} WHERE yacht_id = $1", yacht)
        if not present:
            cell.actual, cell.detail = "denied", "no row of this yacht to try (owner sees none)"
            if cell.expected == roles.ALLOWED:
                cell.actual = None
            continue
        row = await lens_tx.fetchval(f"SELECT to_jsonb(t) FROM public.{cell.target} t WHERE yacht_id = $1 LIMIT 1", yacht)
        copy = json.loads(row)
        copy.update({k: str(uuid.uuid4()) for k in ("id",) if k in copy})
        copy.update({k: f"{copy[k]}-{uuid.uuid4().hex[:6]}" for k in ("name", "idempotency_key") if copy.get(k)})
        sql = {
            "select": (f"SELECT count(*) FROM public.{cell.target} WHERE yacht_id = $1", [yacht]),
            "update": (f"UPDATE public.{cell.target} SET yacht_id = yacht_id WHERE yacht_id = $1", [yacht]),
            "delete": (f"DELETE FROM public.{cell.target} WHERE yacht_id = $1", [yacht]),
            "insert": (f"INSERT INTO public.{cell.target} SELECT * FROM jsonb_populate_record(NULL::public.{cell.target}, "
                       f"$1::jsonb)", [json.dumps(copy)]),
        }[cell.operation]

        async def work(conn, sql=sql, op=cell.operation):
            if op == "select":
                return await conn.fetchval(sql[0], *sql[1])
            return _affected(await conn.execute(sql[0], *sql[1]))
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)
    _record(cells, "tables", lens_artifacts, record_property)


async def test_ledger_inserts(lens_tx, as_user, lens_binding, sides, lens_artifacts, record_property):
    """Direct ledger INSERT (what PostgREST lets a client try): role x type on the own yacht (§5
    type gating) and on another yacht's stock (always denied)."""
    own, foreign = sides
    cells = surface.ledger_insert_cells()
    cells += [Cell("ledger_insert", c.target, c.role, c.operation, "foreign", roles.DENIED,
                   "§5 tenancy: no ledger row on another yacht's stock") for c in list(cells)]
    for cell in cells:
        side = own if cell.scope == "own" else foreign
        extra = {}
        if cell.operation == "reversed":
            extra["reverses_transaction_id"] = await lens_tx.fetchval(
                "SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1", side.ship.stock.id)
        if cell.operation.startswith("transferred"):
            extra.update(from_location_id=side.ship.here.id, to_location_id=side.ship.there.id)
        user = own.users[cell.role]

        async def work(conn, side=side, user=user, ttype=cell.operation, extra=extra):
            return _affected(await insert_ledger(conn, side.ship, user, ttype, returning=False, **extra))
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)
    _record(cells, "ledger_inserts", lens_artifacts, record_property)


async def _foreign_state(conn, yacht_id) -> tuple:
    """Everything of a yacht a function could change: row counts per table and stock quantities."""
    tables = await surface.yacht_tables(conn)
    counts = [await conn.fetchval(f"SELECT count(*) FROM public.{t} WHERE yacht_id = $1", yacht_id) for t in tables]
    stock = await conn.fetch("SELECT id, quantity, deleted_at FROM pms_inventory_stock WHERE yacht_id = $1 ORDER BY id",
                             yacht_id)
    return tuple(counts), tuple(tuple(r) for r in stock)


def _stock_call(cell: Cell, own: Side, foreign: Side) -> tuple:
    """(stock_id, quantity, yacht_id) of a hostile argument set."""
    stock, qty, yacht = own.ship.stock.id, 1, UNSET
    return {
        "valid": (stock, qty, yacht), "null_stock": (None, qty, yacht), "null_quantity": (stock, None, yacht),
        "zero": (stock, 0, yacht), "negative": (stock, -1, yacht), "int4_overflow": (stock, 2**31, yacht),
        "foreign_stock": (foreign.ship.stock.id, qty, yacht), "foreign_yacht": (foreign.ship.stock.id, qty, foreign.yacht.id),
        "deactivated_stock": (own.dead.id, qty, yacht),
    }[cell.operation]


def _hostile_args(cell: Cell, names: list[str], types: list[str], foreign: Side) -> list:
    if cell.operation == "nulls":
        return [None] * len(types)
    ids = {"yacht": foreign.yacht.id, "user": foreign.users["captain"].id, "stock": foreign.ship.stock.id,
           "part": foreign.ship.part.id, "location": foreign.ship.here.id}
    return [next((v for k, v in ids.items() if k in (n or "")), foreign.yacht.id) if t == "uuid" else None
            for n, t in zip(names, types)]


async def test_functions(lens_tx, as_user, lens_binding, sides, lens_artifacts, record_property):
    """Every function anon/authenticated may EXECUTE, called directly: the stock functions with
    NULL, 0, negative, 2^31, another yacht's stock or id, deactivated stock (and a valid call, so
    the refusals are not a function that refuses everything); every other function with NULLs and
    another yacht's ids, which must leave that yacht untouched."""
    own, foreign = sides
    functions = await surface.executable_functions(lens_tx)
    cells = surface.function_cells(functions)
    names = {f["oid"]: await lens_tx.fetchval("SELECT coalesce(proargnames, '{}') FROM pg_proc WHERE oid = $1", f["oid"])
             for f in functions}
    before = await _foreign_state(lens_tx, foreign.yacht.id)
    for cell in cells:
        who = "anon" if cell.role == "anon" else own.users[cell.role]
        if cell.target in roles.STOCK_FUNCTIONS:
            stock_id, qty, yacht = _stock_call(cell, own, foreign)
            move = lens_binding.deduct if cell.target.startswith("deduct") else lens_binding.add

            async def work(conn, move=move, stock_id=stock_id, qty=qty, yacht=yacht, anon=who == "anon"):
                outcome = await move(conn, stock_id, qty, yacht_id=yacht)
                if anon:   # §6: anon may not EXECUTE at all, whatever the function answers
                    return outcome.sqlstate != "42501" and f"executed: {outcome.error_code or outcome.sqlstate}"
                return outcome.success
        else:
            oid, types = cell.extra["oid"], cell.extra["types"]
            args = _hostile_args(cell, list(names[oid]), types, foreign)
            fn = cell.target.split("(")[0]
            marks = ", ".join(f"${i}::{t}" for i, t in enumerate(types, 1))

            async def work(conn, fn=fn, marks=marks, args=args):
                try:
                    async with conn.transaction():
                        await conn.fetch(f"SELECT public.{fn}({marks})", *args)
                except asyncpg.PostgresError:
                    pass
                await conn.execute("RESET ROLE")
                return await _foreign_state(conn, foreign.yacht.id) != before
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, who, work)
    _record(cells, "functions", lens_artifacts, record_property)


def _object_path(bucket: str, scope: str, own: Side, foreign: Side) -> str:
    folder = roles.STORAGE_POLICIES.get(bucket, ("parts", {}))[0]
    inner = f"{folder}/" if folder else ""
    name = f"surface-{uuid.uuid4().hex[:8]}.pdf"
    if scope == "own":
        return f"{own.yacht.id}/{inner}{name}"
    if scope == "foreign":
        return f"{foreign.yacht.id}/{inner}{name}"
    return f"{own.yacht.id}/{inner}../../{foreign.yacht.id}/{inner}{name}"


async def test_storage(lens_tx, as_user, lens_binding, sides, lens_artifacts, record_property):
    """Every bucket x select/insert/update/delete x role x own/foreign/escaping path, on
    storage.objects as authenticated (what the storage API runs)."""
    own, foreign = sides
    cells = surface.storage_cells(await surface.buckets(lens_tx))
    for cell in cells:
        name = _object_path(cell.target, cell.scope, own, foreign)
        if cell.operation != "insert":   # the object exists (put there by the owner)
            await lens_tx.execute("INSERT INTO storage.objects (bucket_id, name, owner, metadata) "
                                  "VALUES ($1, $2, $3, '{}'::jsonb)", cell.target, name, own.users["captain"].id)
        sql = {
            "select": "SELECT count(*) FROM storage.objects WHERE bucket_id = $1 AND name = $2",
            "update": "UPDATE storage.objects SET metadata = '{\"x\": 1}'::jsonb WHERE bucket_id = $1 AND name = $2",
            "delete": "DELETE FROM storage.objects WHERE bucket_id = $1 AND name = $2",
            "insert": "INSERT INTO storage.objects (bucket_id, name, owner, metadata) VALUES ($1, $2, auth.uid(), '{}'::jsonb)",
        }[cell.operation]
        user = own.users[cell.role]

        async def work(conn, sql=sql, op=cell.operation, bucket=cell.target, name=name):
            if op == "select":
                return await conn.fetchval(sql, bucket, name)
            return _affected(await conn.execute(sql, bucket, name))
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)
    _record(cells, "storage", lens_artifacts, record_property)
