"""The attack-surface inventory (harness/surface.py): every cell generated from the catalog is
tried as `authenticated` with JWT claims (or as `anon`) inside the test's rolled-back
transaction, one savepoint per cell, and judged against the contract's role model.

One test per surface, each cell a sub-result: the matrix (cells verified / failed / observed)
goes to `surface/<surface>.<worker>.json` for the report and into the JUnit properties; the
test fails listing every failed cell.  Nothing commits, so the inventory also runs on a
verify-only DSN."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import pytest

from harness import roles, surface
from harness.batch import Outcome, Probe, catalog, probe_all, scalars
from harness.binding import UNSET
from harness.db import as_service_role, claims_for, literal
from harness.factories import Factory, Stock, User, Yacht
from harness.paths import values
from harness.surface import Cell

from ..lens_sql import UNACCOUNTED_SQL, Ship, insert_ledger
from . import rows as cell_rows

pytestmark = pytest.mark.spread  # independent tests, each long on a remote server

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

    @property
    def dead_ship(self) -> Ship:
        """The same yacht with the deactivated stock row (and its part) as its stock."""
        part = dataclasses.replace(self.ship.part, id=self.dead.part_id)
        return dataclasses.replace(self.ship, stock=self.dead, part=part)


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


@dataclass
class Inconsistent:
    """What ``work`` returns when the write broke §4 whatever its expected outcome."""

    why: str


async def _as_actor(lens_tx, as_user, who, work):
    """``_as`` for the actors beyond a user: the table owner itself, and service_role."""
    if who == "owner":
        async with lens_tx.transaction():
            raise _Rollback(await work(lens_tx))
    if who == "service_role":
        async with as_service_role(lens_tx) as conn:
            return await work(conn)
    return await _as(lens_tx, as_user, who, work)


async def _attempt(lens_binding, lens_tx, as_user, who, work) -> tuple[str, str]:
    """(allowed | denied | inconsistent | error, detail): ``work`` returns truthy when the
    operation took effect, an ``Inconsistent`` when it broke an invariant."""
    try:
        took = await _as_actor(lens_tx, as_user, who, work)
    except _Rollback as rb:
        took = rb.result
    except asyncpg.PostgresError as exc:
        kind = lens_binding.classify(exc)
        return ("denied", f"{kind} {exc.sqlstate} {str(exc)[:80]}") if kind else ("error", f"{exc.sqlstate} {exc}"[:160])
    except asyncpg.DataError as exc:   # refused by the parameter's type before the call
        return "denied", f"type bound: {str(exc)[:80]}"
    if isinstance(took, Inconsistent):
        return roles.INCONSISTENT, took.why
    return ("allowed", str(took)) if took else ("denied", f"no effect ({took})")


async def _drift(conn, yachts) -> Inconsistent | None:
    """The ledger-accounting check run after a write, as the owner inside the write's savepoint:
    an active stock row whose quantity is not the sum of its ledger rows (§4), from the base
    tables, and the target's own drift check, which must report exactly those rows (§3).
    Both in one round trip."""
    await conn.execute("RESET ROLE")
    return _diverged(json.loads(await conn.fetchval(_drift_check(yachts))))


def _drift_check(yachts) -> str:
    """``_drift``'s query, its yachts inlined (a probe's check takes no parameters): both id
    lists as one JSON object."""
    ids = literal("{" + ",".join(map(str, yachts)) + "}") + "::uuid[]"
    return ("SELECT jsonb_build_object("
            f"'reported', (SELECT array_agg(stock_id) FROM check_inventory_drift() WHERE yacht_id = ANY({ids})), "
            f"'diverged', (SELECT array_agg(id) FROM ({UNACCOUNTED_SQL.replace('$1::uuid[]', ids)}) u))::text")


def _diverged(found: dict) -> Inconsistent | None:
    reported, diverged = set(found["reported"] or ()), set(found["diverged"] or ())
    if diverged or reported:
        return Inconsistent(f"stock and ledger diverged on {sorted(map(str, diverged))}; "
                            f"check_inventory_drift() reports {sorted(map(str, reported))}")
    return None


async def _accounted(conn, took, yachts):
    """``took`` unless the write left drift behind."""
    return await _drift(conn, yachts) or took


@contextlib.asynccontextmanager
async def _moved_away(lens_tx, user: User, table: str, left: Yacht, to: Yacht):
    """``user`` wrote the rows of ``table`` on the yacht it ``left``, then its profile and roles
    moved to ``to`` (rolled back afterwards). CONTRACT §1: the yacht is the active profile's."""
    async with _rolled_back(lens_tx):
        await cell_rows.make_author(lens_tx, table, user.id, yacht=left.id)
        await lens_tx.execute(_move_sql(user, to), "")
        yield


def _move_sql(user: User, to: Yacht) -> str:
    """``user``'s profile and roles moved to yacht ``to``; a setup step (returns ``$1`` as it came)."""
    return (f"WITH p AS (UPDATE auth_users_profiles SET yacht_id = {literal(str(to.id))} WHERE id = {literal(str(user.id))}), "
            f"r AS (UPDATE auth_users_roles SET yacht_id = {literal(str(to.id))} WHERE user_id = {literal(str(user.id))}) "
            "SELECT $1::text")


@contextlib.asynccontextmanager
async def _rolled_back(conn):
    tx = conn.transaction()
    await tx.start()
    try:
        yield
    finally:
        await tx.rollback()


def _affected(status: str) -> int:
    return int(status.split()[-1])


async def _table_cell(cell: Cell, lens_tx, as_user, lens_binding, own: Side, foreign: Side) -> None:
    """Run one table cell: the owner first proves a row of that yacht exists (so "saw nothing"
    means the policy hid it), then the role tries the command; INSERT without RETURNING (as
    PostgREST's return=minimal), so no SELECT policy masks a permissive INSERT policy.  For the
    "former" scope the actor is the foreign yacht's user of that role, moved to the own yacht
    after writing the rows it now tries."""
    if cell.scope == "former":
        mover = foreign.users[cell.role]
        async with _moved_away(lens_tx, mover, cell.target, foreign.yacht, own.yacht):
            await _table_command(cell, lens_tx, as_user, lens_binding, foreign.yacht.id, mover, own, foreign)
        return
    if cell.scope == "own" and cell.operation in ("update", "delete"):   # rows it wrote itself
        async with _rolled_back(lens_tx):
            await cell_rows.make_author(lens_tx, cell.target, own.users[cell.role].id, yacht=own.yacht.id)
            await _table_command(cell, lens_tx, as_user, lens_binding, own.yacht.id, own.users[cell.role], own, foreign)
        return
    yacht = (own if cell.scope == "own" else foreign).yacht.id
    await _table_command(cell, lens_tx, as_user, lens_binding, yacht, own.users[cell.role], own, foreign)


async def _table_command(cell: Cell, lens_tx, as_user, lens_binding, yacht, user, own: Side, foreign: Side,
                         key: str = "yacht_id") -> None:
    """``key`` is the column naming the row's yacht (``id`` in the yacht registry)."""
    row = (await scalars(lens_tx, {"row": f"SELECT to_jsonb(t) FROM public.{cell.target} t WHERE {key} = $1 LIMIT 1"},
                         yacht))["row"]
    if row is None:
        cell.actual, cell.detail = (None if cell.expected == roles.ALLOWED else "denied"), "no row of this yacht to try"
        return
    copy = await cell_rows.insertable_copy(lens_tx, cell.target, json.loads(row), author=user.id)
    if cell.target == roles.LEDGER_TABLE and cell.operation == "insert" and cell.expected == roles.UNSPECIFIED:
        cell.expected, cell.rule = roles.ledger_insert_expectation(cell.role, copy["transaction_type"])
    sql, arg = _table_sql(cell, key, yacht, copy)

    async def work(conn):
        if cell.operation == "select":
            return await conn.fetchval(sql, arg)
        took = _affected(await conn.execute(sql, arg))
        # §4 accounting after every write the grants allow; a direct ledger INSERT is exempt (§10
        # lets the caller book the stock change in the same transaction)
        if cell.operation == "insert" and cell.target == roles.LEDGER_TABLE:
            return took
        return await _accounted(conn, took, [own.yacht.id, foreign.yacht.id])
    cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)


def _table_sql(cell: Cell, key: str, yacht, copy: dict) -> tuple[str, object]:
    """The cell's statement and its ``$1`` (the yacht, or the row to insert as JSON)."""
    table = f"public.{cell.target}"
    return {
        "select": (f"SELECT count(*) FROM {table} WHERE {key} = $1::text::uuid", str(yacht)),
        "update": (f"UPDATE {table} SET {key} = {key} WHERE {key} = $1::text::uuid", str(yacht)),
        "delete": (f"DELETE FROM {table} WHERE {key} = $1::text::uuid", str(yacht)),
        "insert": (f"INSERT INTO {table} SELECT * FROM jsonb_populate_record(NULL::{table}, $1::text::jsonb)",
                   json.dumps(copy)),
    }[cell.operation]


def _steps(*steps: str | None) -> tuple[str, ...]:
    return tuple(s for s in steps if s is not None)


async def test_tables(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every per-yacht table x role x select/insert/update/delete x own/foreign/former yacht, and
    every per-yacht view x role x select x the same scopes.  All in one probe batch but the
    inserts of a moved user (their copy is made from a row the mover was made the author of,
    which only a rolled-back setup shows): those run one at a time."""
    own, foreign = sides
    cells = surface.table_cells(await surface.yacht_tables(lens_tx), await surface.yacht_views(lens_tx))
    moved_inserts = [c for c in cells if c.scope == "former" and c.operation == "insert"]
    for cell in moved_inserts:
        await _table_cell(cell, lens_tx, as_user, lens_binding, own, foreign)
    entries = []
    for cell in cells:
        if cell in moved_inserts:
            continue
        side = own if cell.scope == "own" else foreign
        user, setup = (side if cell.scope == "former" else own).users[cell.role], ()
        if cell.scope == "former":
            setup = _steps(await cell_rows.author_setup(lens_tx, cell.target, user.id, by_yacht=True),
                           _move_sql(user, own.yacht))
        elif cell.operation in ("update", "delete"):
            setup = _steps(await cell_rows.author_setup(lens_tx, cell.target, user.id, by_yacht=True))
        entries.append((cell, side, user, setup))
    await _table_batch(entries, lens_tx, lens_binding, own, foreign)
    record_cells(cells, "tables")


async def _table_batch(entries: list[tuple[Cell, Side, User, tuple[str, ...]]], lens_tx, lens_binding,
                       own: Side, foreign: Side) -> None:
    """``_table_command`` for many (cell, side whose rows it tries, user, setup steps) in one
    probe batch (harness/batch.py): the rows to try are read once per table and yacht, none that
    names the deactivated stock row (it refuses every change for its own reason); a cell's
    setup (rows made the role's own; a former-yacht user moved) and its drift check run as the
    owner inside the cell's rolled-back probe."""
    targets = sorted({cell.target for cell, *_ in entries})
    found = {side.yacht.id: await scalars(lens_tx, {
        t: f"SELECT to_jsonb(t) FROM public.{t} t WHERE yacht_id = $1 "
           f"ORDER BY strpos(to_jsonb(t)::text, {literal(str(side.dead.id))}) > 0 LIMIT 1" for t in targets}, side.yacht.id)
        for side in (own, foreign)}
    check = _drift_check([own.yacht.id, foreign.yacht.id])
    tried, probes = [], []
    for cell, side, user, setup in entries:
        row = found[side.yacht.id][cell.target]
        if row is None:
            cell.actual, cell.detail = (None if cell.expected == roles.ALLOWED else "denied"), "no row of this yacht to try"
            continue
        copy = {}
        if cell.operation == "insert":
            copy = await cell_rows.insertable_copy(lens_tx, cell.target, json.loads(row), author=user.id)
            if cell.target == roles.LEDGER_TABLE and cell.expected == roles.UNSPECIFIED:
                cell.expected, cell.rule = roles.ledger_insert_expectation(cell.role, copy["transaction_type"])
        sql, arg = _table_sql(cell, "yacht_id", side.yacht.id, copy)
        drift = cell.operation != "select" and not (cell.operation == "insert" and cell.target == roles.LEDGER_TABLE)
        tried.append(cell)
        probes.append(Probe("authenticated", claims_for(user), sql, value=cell.operation == "select", arg=arg,
                            setup=setup, check=check if drift else None))
    for cell, outcome in zip(tried, await probe_all(lens_tx, probes)):
        cell.actual, cell.detail = _judged(lens_binding, outcome)


async def _one_row(conn, table: str, yacht) -> str | None:
    """The ctid of one live row of ``table`` on ``yacht`` (a deactivated row refuses updates
    for its own reason, which would hide what the column grant allows)."""
    live = " AND deleted_at IS NULL" if (await catalog(
        conn, "SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'deleted_at'",
        f"public.{table}"))[0][0] else ""
    return await conn.fetchval(f"SELECT ctid::text FROM public.{table} WHERE yacht_id = $1{live} LIMIT 1", yacht)


async def test_columns(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every column of every per-yacht table x role: an UPDATE of one own-yacht row.  The
    ledger refuses (append-only); whatever else the grants allow must leave stock and ledger
    together (a quantity set directly, without its ledger row, is drift)."""
    own, foreign = sides
    tables = await surface.yacht_tables(lens_tx)
    cells = surface.column_cells({t: await surface.mutable_columns(lens_tx, t) for t in tables})
    rows = {t: await _one_row(lens_tx, t, own.yacht.id) for t in tables}
    tried = [c for c in cells if rows[c.extra["table"]] is not None]
    for cell in cells:
        if rows[cell.extra["table"]] is None:
            cell.actual, cell.detail = (None if cell.expected == roles.ALLOWED else "denied"), "no row to try"
    check = _drift_check([own.yacht.id, foreign.yacht.id])
    probes = []
    for cell in tried:   # each on a row the role wrote itself (an author's grant applies)
        table, user = cell.extra["table"], own.users[cell.role]
        probes.append(Probe(
            "authenticated", claims_for(user),
            f'UPDATE public.{table} SET "{cell.extra["column"]}" = {cell.extra["value"]} WHERE ctid = $1::text::tid',
            arg=rows[table], setup=_steps(await cell_rows.author_setup(lens_tx, table, user.id)), check=check))
    for cell, outcome in zip(tried, await probe_all(lens_tx, probes)):
        cell.actual, cell.detail = _judged(lens_binding, outcome)
    record_cells(cells, "columns")
    # a column UPDATE that can never succeed proves nothing: some grant (§5: HOD edits parts) must admit one
    assert any(c.actual == roles.ALLOWED for c in cells), "no column update took effect: the cells cannot fail"


async def test_deactivated_stock(lens_tx, as_user, lens_binding, sides, record_cells):
    """A deactivated stock row x every actor (each role, the owner, service_role): an UPDATE of
    every column (deleted_at moved, not cleared) and a direct ledger row of every type are
    refused (§4 "whoever asks")."""
    own, _ = sides
    cells = surface.deactivated_cells(await surface.mutable_columns(lens_tx, roles.STOCK_TABLE))
    opening = await lens_tx.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1", own.dead.id)
    signer = own.users["captain"]
    for cell in cells:
        user = own.users.get(cell.role)
        who = user or cell.role
        if "column" in cell.extra:
            sql = f'UPDATE public.{roles.STOCK_TABLE} SET "{cell.extra["column"]}" = {cell.extra["value"]} WHERE id = $1'

            async def work(conn, sql=sql):
                return _affected(await conn.execute(sql, own.dead.id))
        else:
            extra = _ledger_links(cell.operation, own, opening)

            async def work(conn, ttype=cell.operation, extra=extra, user=user):
                return _affected(await insert_ledger(conn, own.dead_ship, user or signer, ttype, returning=False, **extra))
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, who, work)
    record_cells(cells, "deactivated")


def _ledger_links(ttype: str, side: Side, reversible) -> dict:
    """The columns a valid ledger row of ``ttype`` needs beyond the amount (§4)."""
    if ttype == "reversed":
        return {"reverses_transaction_id": reversible}
    if ttype.startswith("transferred"):
        return {"from_location_id": side.ship.here.id, "to_location_id": side.ship.there.id}
    return {}


async def test_ledger_inserts(lens_tx, as_user, lens_binding, sides, record_cells):
    """Direct ledger INSERT (what PostgREST lets a client try): role x type on the own yacht (§5
    type gating) and on another yacht's stock (always denied)."""
    own, foreign = sides
    cells = surface.ledger_insert_cells()
    cells += [Cell("ledger_insert", c.target, c.role, c.operation, "foreign", roles.DENIED,
                   "§5 tenancy: no ledger row on another yacht's stock") for c in list(cells)]
    # each refused type again with every other column a policy reads set to each of its literals
    varied = await values.insert_policy_variations(lens_tx, roles.LEDGER_TABLE, "transaction_type")
    cells += [Cell("ledger_insert", c.target, c.role, f"{c.operation} {col}={value}", "own", roles.DENIED,
                   f"{c.rule}, whatever {col}", extra={"type": c.operation, "columns": {col: value}})
              for c in list(cells) if c.scope == "own" and c.expected == roles.DENIED for col, value in varied]
    for cell in cells:
        await _ledger_insert_cell(cell, lens_tx, as_user, lens_binding, own if cell.scope == "own" else foreign,
                                  own.users[cell.role])
    record_cells(cells, "ledger_inserts")


async def _ledger_insert_cell(cell: Cell, lens_tx, as_user, lens_binding, side: Side, user: User) -> None:
    """``user`` inserts a ledger row of the cell's type on ``side``'s stock (with the cell's other
    column values, if it varies some)."""
    ttype = cell.extra.get("type", cell.operation)
    extra = _ledger_links(ttype, side, await lens_tx.fetchval(
        "SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1", side.ship.stock.id))

    async def work(conn):
        return _affected(await insert_ledger(conn, side.ship, user, ttype, returning=False,
                                             **extra, **cell.extra.get("columns", {})))
    cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)


async def _foreign_state(conn, yacht_id) -> str:
    """Everything of a yacht a function could change (``_state_check``), in one round trip."""
    return await conn.fetchval(_state_check(await surface.yacht_tables(conn), yacht_id))


def _state_check(tables: list[str], yacht_id) -> str:
    """Row counts per table and stock quantities of a yacht as one text, its id inlined (a
    probe's check takes no parameters)."""
    yacht = f"{literal(str(yacht_id))}::uuid"
    parts = [f"(SELECT count(*) FROM public.{t} WHERE yacht_id = {yacht})" for t in tables]
    parts.append("(SELECT jsonb_agg(jsonb_build_array(id, quantity, deleted_at) ORDER BY id) FROM pms_inventory_stock "
                 f"WHERE yacht_id = {yacht})")
    return f"SELECT jsonb_build_array({', '.join(parts)})::text"


def _stock_call(cell: Cell, own: Side, foreign: Side) -> tuple:
    """(stock_id, quantity, yacht_id) of a hostile argument set."""
    stock, qty, yacht = own.ship.stock.id, 1, UNSET
    if cell.operation.startswith("details:"):
        return stock, qty, yacht
    return {
        "valid": (stock, qty, yacht), "null_stock": (None, qty, yacht), "null_quantity": (stock, None, yacht),
        "zero": (stock, 0, yacht), "negative": (stock, -1, yacht), "int4_overflow": (stock, 2**31, yacht),
        "foreign_stock": (foreign.ship.stock.id, qty, yacht), "foreign_yacht": (foreign.ship.stock.id, qty, foreign.yacht.id),
        "foreign_stock_null_yacht": (foreign.ship.stock.id, qty, None),  # an explicit NULL, not the default
        "deactivated_stock": (own.dead.id, qty, yacht),
    }[cell.operation]


def _hostile_args(cell: Cell, names: list[str], types: list[str], side: Side) -> list:
    """NULLs, or ``side``'s ids by parameter name (yacht, user, stock, part, location)."""
    if cell.operation == "nulls":
        return [None] * len(types)
    ids = {"yacht": side.yacht.id, "user": side.users["captain"].id, "stock": side.ship.stock.id,
           "part": side.ship.part.id, "location": side.ship.here.id}
    return [next((v for k, v in ids.items() if k in (n or "")), side.yacht.id) if t == "uuid" else None
            for n, t in zip(names + [""] * (len(types) - len(names)), types)]  # unnamed parameters: no name


#: A long surface test's cells in parts, each its own test (on its own worker: a stock function's
#: cells are one call after another through the binding, ~8 round trips each).
PARTS = (*roles.STOCK_FUNCTIONS, "others")


def in_part(cells: list[Cell], part: str, stock: Callable[[Cell], bool]) -> list[Cell]:
    """The cells of ``part``: a stock function's (``stock(cell)`` and aimed at it), or all others."""
    if part == "others":
        return [c for c in cells if not stock(c)]
    return [c for c in cells if stock(c) and c.target == part]


@pytest.mark.parametrize("part", PARTS)
async def test_functions(lens_tx, as_user, lens_binding, sides, record_cells, part):
    """Every function anon/authenticated may EXECUTE, called directly: the stock functions with
    NULL, 0, negative, 2^31, another yacht's stock or id, deactivated stock (and a valid call, so
    the refusals are not a function that refuses everything); every other function with NULLs and
    another yacht's ids, which must leave that yacht untouched."""
    own, foreign = sides
    functions = await surface.executable_functions(lens_tx)
    cells = in_part(surface.function_cells(functions, await surface.ledger_references(lens_tx)), part,
                    lambda c: c.target in roles.STOCK_FUNCTIONS)
    names = {f["oid"]: await lens_tx.fetchval("SELECT coalesce(proargnames, '{}') FROM pg_proc WHERE oid = $1", f["oid"])
             for f in functions}
    before = await _foreign_state(lens_tx, foreign.yacht.id)
    both = (await _foreign_state(lens_tx, own.yacht.id), before)
    for cell in (c for c in cells if c.target in roles.STOCK_FUNCTIONS):
        await _stock_function_cell(cell, lens_tx, as_user, lens_binding, own, foreign, both)
    # every other function: one probe each, all in one batch (a refused call changed nothing)
    plain = [c for c in cells if c.target not in roles.STOCK_FUNCTIONS]
    check = _state_check(await surface.yacht_tables(lens_tx), foreign.yacht.id)
    probes = []
    for cell in plain:
        oid, types = cell.extra["oid"], cell.extra["types"]
        call = ", ".join(f"{'NULL' if v is None else literal(str(v))}::{t}"
                         for v, t in zip(_hostile_args(cell, list(names[oid]), types, foreign), types))
        probes.append(Probe("authenticated", claims_for(own.users[cell.role]),
                            f"SELECT public.{cell.target.split('(')[0]}({call})", check=check))
    for cell, outcome in zip(plain, await probe_all(lens_tx, probes)):
        took = outcome.sqlstate is None and outcome.checked != before
        cell.actual, cell.detail = ("allowed", str(took)) if took else ("denied", f"no effect ({took})")
    record_cells(cells, f"functions.{part}")


async def _stock_function_cell(cell: Cell, lens_tx, as_user, lens_binding, own: Side, foreign: Side, both: tuple,
                               inject=None) -> None:
    """One direct call of a stock function, as PostgREST /rpc makes it: what a refused call
    wrote is kept, then looked for — a refusal must leave both yachts' rows and stock as they
    were (§10), however late in the function it came.  ``inject`` (the detector proof) runs as
    the owner between the call and that look."""
    who = "anon" if cell.role == "anon" else own.users[cell.role]
    stock_id, qty, yacht = _stock_call(cell, own, foreign)
    move = lens_binding.deduct if cell.target.startswith("deduct") else lens_binding.add
    details = {cell.operation.split(":", 1)[1]: uuid.uuid4()} if cell.operation.startswith("details:") else {}

    async def work(conn):
        outcome = await move(conn, stock_id, qty, yacht_id=yacht, undo=False, **details)
        if who == "anon":   # §6: anon may not EXECUTE at all, whatever the function answers
            return outcome.sqlstate != "42501" and f"executed: {outcome.error_code or outcome.sqlstate}"
        if not outcome.success:
            await conn.execute("RESET ROLE")
            if inject:
                await inject(conn)
            after = (await _foreign_state(conn, own.yacht.id), await _foreign_state(conn, foreign.yacht.id))
            if after != both:
                return Inconsistent(f"refused ({outcome.error_code or outcome.sqlstate}) but rows or stock moved")
        return outcome.success
    cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, who, work)


def _object_paths(bucket: str, scope: str, own: Side, foreign: Side, folders: list[str]) -> list[str]:
    """The object names a cell acts on: one, or for another yacht's objects (but an insert) one
    in the bucket's folder and one in every folder path the storage policies name (``folders``,
    surface.folder_paths): whichever folder a policy lets through, no object of it may be."""
    folder = roles.STORAGE_POLICIES.get(bucket, ("parts", {}))[0]
    inner = f"{folder}/" if folder else ""
    name = f"surface-{uuid.uuid4().hex[:8]}.pdf"
    if scope == "own":
        return [f"{own.yacht.id}/{inner}{name}"]
    if scope == "other_folder":   # a folder of the own yacht that is not the bucket's
        return [f"{own.yacht.id}/manuals/{name}"]
    if scope == "yacht_root":
        return [f"{own.yacht.id}/{name}"]
    if scope == "foreign":
        return list(dict.fromkeys([f"{foreign.yacht.id}/{inner}{name}", *(f"{foreign.yacht.id}/{path}/{name}" for path in folders)]))
    return [f"{own.yacht.id}/{inner}../../{foreign.yacht.id}/{inner}{name}"]


async def test_storage(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every bucket x select/insert/update/delete x role x own/foreign/escaping path, on
    storage.objects as authenticated (what the storage API runs)."""
    own, foreign = sides
    cells = surface.storage_cells(await surface.buckets(lens_tx))
    await _storage_cells([(cell, cell.scope) for cell in cells], lens_tx, lens_binding, own, foreign)
    record_cells(cells, "storage")


STORAGE_SQL = {
    "select": "SELECT count(*) FROM storage.objects WHERE bucket_id = {bucket} AND name = ANY({names})",
    "update": "UPDATE storage.objects SET metadata = '{{\"x\": 1}}'::jsonb WHERE bucket_id = {bucket} AND name = ANY({names})",
    "delete": "DELETE FROM storage.objects WHERE bucket_id = {bucket} AND name = ANY({names})",
    "insert": "INSERT INTO storage.objects (bucket_id, name, owner, metadata) VALUES ({bucket}, {name}, auth.uid(), '{{}}'::jsonb)",
}


async def _storage_cells(cells: list[tuple[Cell, str]], lens_tx, lens_binding, own: Side, foreign: Side) -> None:
    """Each cell's role tries its operation on an object of the cell's bucket at its scope's
    path. The owner puts every object a cell needs first (one statement), then every cell runs
    in one probe batch (harness/batch.py): a few round trips for all, not a few per cell."""
    folders = surface.folder_paths(await surface.storage_folders(lens_tx))
    names = [_object_paths(cell.target, scope, own, foreign, folders if cell.operation != "insert" else [])
             for cell, scope in cells]
    present = [(cell.target, name) for (cell, _), each in zip(cells, names) if cell.operation != "insert" for name in each]
    await lens_tx.execute("INSERT INTO storage.objects (bucket_id, name, owner, metadata) "
                          "SELECT b, n, $3, '{}'::jsonb FROM unnest($1::text[], $2::text[]) AS o(b, n)",
                          [b for b, _ in present], [n for _, n in present], own.users["captain"].id)
    outcomes = await probe_all(lens_tx, [
        Probe("authenticated", claims_for(own.users[cell.role]),
              STORAGE_SQL[cell.operation].format(bucket=literal(cell.target), name=literal(each[0]),
                                                 names=f"ARRAY[{', '.join(map(literal, each))}]::text[]"),
              value=cell.operation == "select")
        for (cell, _), each in zip(cells, names)])
    for (cell, _), outcome in zip(cells, outcomes):
        cell.actual, cell.detail = _judged(lens_binding, outcome)


def _judged(lens_binding, outcome: Outcome) -> tuple[str, str]:
    """``_attempt``'s verdict for a probe's outcome: allowed when it took effect (a count or
    rows affected above 0), denied when refused or without effect, inconsistent when its drift
    check found stock and ledger apart."""
    if outcome.sqlstate:
        kind = lens_binding.classify(outcome)
        return (("denied", f"{kind} {outcome.sqlstate} {outcome.message[:80]}") if kind
                else ("error", f"{outcome.sqlstate} {outcome.message}"[:160]))
    took = int(outcome.value) if outcome.value is not None else outcome.rows
    broken = _diverged(json.loads(outcome.checked)) if outcome.checked is not None else None
    if broken:
        return roles.INCONSISTENT, broken.why
    return ("allowed", str(took)) if took else ("denied", f"no effect ({took})")


# -- proven detectors: each invariant the suites lean on fires on a violation injected here ----

@pytest.mark.detector
async def test_drift_detector_reports_injected_drift(lens_tx, sides):
    """check_inventory_drift() and v_stock_from_transactions, which every suite uses to say
    "stock and ledger agree", report a quantity changed without its ledger row (rolled back)."""
    own, foreign = sides
    yachts = [own.yacht.id, foreign.yacht.id]
    assert await lens_tx.fetch("SELECT * FROM check_inventory_drift() WHERE yacht_id = ANY($1)", yachts) == []
    await lens_tx.execute("UPDATE pms_inventory_stock SET quantity = quantity + 3 WHERE id = $1", own.ship.stock.id)
    rows = await lens_tx.fetch("SELECT * FROM check_inventory_drift() WHERE yacht_id = ANY($1)", yachts)
    assert [r["stock_id"] for r in rows] == [own.ship.stock.id], rows
    status = await lens_tx.fetchval("SELECT reconciliation_status FROM v_stock_from_transactions WHERE stock_id = $1",
                                    own.ship.stock.id)
    assert status == "DRIFT"


@pytest.mark.detector
async def test_nothing_moved_detector_sees_a_ledger_row(lens_tx, lens_binding, sides):
    """The "a refusal wrote nothing" comparison (Ledger.snapshot) changes when one ledger row
    and its stock change are written."""
    from ..api.conftest import Ledger

    own, _ = sides
    ledger = Ledger(lens_tx)
    before = await ledger.snapshot(own.yacht.id)
    assert (await lens_binding.add(lens_tx, own.ship.stock.id, 1, yacht_id=own.yacht.id)).success
    after = await ledger.snapshot(own.yacht.id)
    assert after["pms_inventory_transactions"] == before["pms_inventory_transactions"] + 1
    assert after["stock"] != before["stock"]


@pytest.mark.detector
async def test_tenancy_detector_fires_on_a_widened_policy(lens_tx, as_user, lens_binding, lens_settings, sides):
    """A table cell that expects another yacht's rows to be invisible fails once a permissive
    policy widens SELECT (the policy is created and dropped inside the rolled-back transaction;
    harness-owned servers only: no DDL ever reaches a user's server)."""
    if lens_settings.target == "dsn":
        pytest.skip("injecting a policy is DDL; proven on harness-owned servers only (never on a user's)")
    own, foreign = sides
    cell = Cell("table", "pms_parts", "deckhand", "select", "foreign", *roles.table_expectation(
        "pms_parts", "select", "deckhand", "foreign"))
    await _table_cell(cell, lens_tx, as_user, lens_binding, own, foreign)
    assert cell.verdict == "verified", cell
    await lens_tx.execute("CREATE POLICY lens_probe_widened ON public.pms_parts FOR SELECT TO authenticated USING (true)")
    await _table_cell(cell, lens_tx, as_user, lens_binding, own, foreign)
    assert (cell.verdict, cell.actual) == ("failed", "allowed"), cell


@pytest.mark.detector
async def test_accounting_detector_fires_on_stock_moved_without_its_ledger_row(lens_tx, as_user, lens_binding, sides):
    """The two ledger-accounting checks of the inventory report a stock change without its
    ledger row, injected (as the owner, rolled back) into a cell that otherwise passes: after a
    refused direct function call ("a refusal leaves nothing") and after an allowed column
    UPDATE ("drift stays 0")."""
    own, foreign = sides

    async def move_stock(conn):
        await conn.execute("UPDATE pms_inventory_stock SET quantity = quantity + 1 WHERE id = $1", own.ship.stock.id)
    both = (await _foreign_state(lens_tx, own.yacht.id), await _foreign_state(lens_tx, foreign.yacht.id))
    call = Cell("function", "deduct_stock_inventory", "deckhand", "zero", "hostile",
                *roles.function_expectation("deduct_stock_inventory", "deckhand", "zero"))
    await _stock_function_cell(call, lens_tx, as_user, lens_binding, own, foreign, both)
    assert call.verdict == "verified", call
    await _stock_function_cell(call, lens_tx, as_user, lens_binding, own, foreign, both, inject=move_stock)
    assert (call.verdict, call.actual) == ("failed", roles.INCONSISTENT), call

    row = await _one_row(lens_tx, "pms_parts", own.yacht.id)
    for inject, verdict in ((None, "observed"), (move_stock, "failed")):
        async def work(conn, inject=inject):
            took = _affected(await conn.execute("UPDATE public.pms_parts SET name = name || '-lens' "
                                                "WHERE ctid = $1::text::tid", row))
            if inject:
                await conn.execute("RESET ROLE")
                await inject(conn)
            return await _accounted(conn, took, [own.yacht.id])
        cell = Cell("column_update", "pms_parts.name", "chief_engineer", "update", "own",
                    *roles.column_update_expectation("pms_parts", "chief_engineer"))
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, own.users["chief_engineer"], work)
        assert cell.verdict == verdict, cell
