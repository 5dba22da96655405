"""Accounting, attribution and read models on the attack surface (harness/surface.py).

The red team's second round got through where a rule was checked on one shape only: the drift
check proven on one kind of drift (an INNER join then missed stock with no ledger row at all),
the stock functions tried with their default ledger type only (crew booked a transfer-in leg),
ledger and audit rows never inserted in a colleague's name, the functions' ``user_id`` never
compared with the caller, and the §3 views read but never recomputed (on-hand counted
deactivated rows).  Here each rule is a family of cells: every drift shape x detector, every
view x reader against its base tables, every stock function x ledger type x role, every
attributed table x role x author.  Like the rest of the inventory, nothing commits.
"""
from __future__ import annotations

import uuid

import pytest

from harness import roles, surface

from ..lens_sql import insert_ledger, signature, unaccounted_stock
from .test_surface import (
    Inconsistent,
    Side,
    _attempt,
    _foreign_state,
    _ledger_links,
    _rolled_back,
    _side,
)

pytestmark = pytest.mark.spread  # independent tests, each long on a remote server


@pytest.fixture
async def sides(factory):
    """Two yachts of the inventory (test_surface's sides): own and foreign."""
    return await _side(factory), await _side(factory)


def _yachts(own: Side, foreign: Side) -> list:
    return [own.yacht.id, foreign.yacht.id]


# -- drift: every shape, every detector -------------------------------------------------------

async def _new_stock(factory, side: Side, quantity: int):
    """A stock row at a fresh location holding ``quantity`` with no ledger row at all (owner)."""
    here = await factory.location(side.yacht)
    return await factory.conn.fetchval(
        "INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id", side.yacht.id, side.ship.part.id, here.name, here.id, quantity)


async def _inject(shape: str, factory, own: Side, foreign: Side) -> set:
    """Inject ``shape`` as the owner; the stock rows that now disagree with their ledger."""
    conn, stock = factory.conn, own.ship.stock.id
    move = "UPDATE pms_inventory_stock SET quantity = quantity + $2 WHERE id = $1"
    if shape.startswith("quantity_"):
        await conn.execute(move, stock, 3 if "raised" in shape else -3)
        return {stock}
    if shape == "ledger_row_without_stock_change":
        await insert_ledger(conn, own.ship, own.ship.hod, "received")
        return {stock}
    if shape == "two_rows_drifting":
        await conn.execute(move, stock, 2)
        await conn.execute(move, foreign.ship.stock.id, 2)
        return {stock, foreign.ship.stock.id}
    if shape == "consistent_empty_stock_row":
        await _new_stock(factory, own, 0)
        return set()
    fresh = await _new_stock(factory, own, 5)
    if shape.endswith("drifting"):   # deactivated (then, for "reactivated", active again)
        await conn.execute("UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = $1", fresh)
        if shape.startswith("reactivated"):
            await conn.execute("UPDATE pms_inventory_stock SET deleted_at = NULL WHERE id = $1", fresh)
    return await unaccounted_stock(conn, [own.yacht.id]) & {fresh}


async def _reported(conn, detector: str, yachts: list, candidates: set) -> set:
    if detector.endswith(")"):
        rows = await conn.fetch("SELECT stock_id FROM check_inventory_drift() WHERE yacht_id = ANY($1::uuid[])", yachts)
        return {r["stock_id"] for r in rows}
    rows = await conn.fetch("SELECT stock_id FROM v_stock_from_transactions WHERE stock_id = ANY($1::uuid[]) "
                            "AND reconciliation_status = 'DRIFT'", list(candidates))
    return {r["stock_id"] for r in rows}


async def test_drift_detectors_report_every_shape(lens_tx, factory, sides, record_cells):
    """check_inventory_drift() and v_stock_from_transactions, which every suite trusts to say
    "stock and ledger agree", report each shape of drift injected here (and stay silent on a
    consistent empty row and on a deactivated one): quantity moved either way without a ledger
    row, a stock row with no ledger row at all, a ledger row without its stock change, two rows
    at once, a deactivated row and the same row reactivated.  The harness's own accounting
    (base tables) must agree, so neither detector can pass on its own."""
    own, foreign = sides
    yachts = _yachts(own, foreign)
    assert await unaccounted_stock(lens_tx, yachts) == set(), "the sides start consistent"
    cells = surface.drift_cells()
    for cell in cells:
        async with _rolled_back(lens_tx):
            drifting = await _inject(cell.operation, factory, own, foreign)
            candidates = {r["id"] for r in await lens_tx.fetch(
                "SELECT id FROM pms_inventory_stock WHERE yacht_id = ANY($1::uuid[])", yachts)}
            got = await _reported(lens_tx, cell.target, yachts, candidates)
        want = surface.DRIFT_SHAPES[cell.operation]
        if bool(drifting) != want:
            cell.actual, cell.detail = roles.INCONSISTENT, f"the harness's accounting sees {drifting}"
        elif got == drifting:
            cell.actual, cell.detail = ("reported" if want else "silent"), f"{len(got)} row(s)"
        else:
            cell.actual, cell.detail = f"reported {sorted(map(str, got))}", f"drifting: {sorted(map(str, drifting))}"
    record_cells(cells, "drift")


# -- views: contents recomputed from their base tables, per reader ---------------------------

#: What each §3 view holds, recomputed from the base tables: identity -> quantities.
RECOMPUTED = {
    "pms_part_stock": "SELECT p.id, coalesce(sum(s.quantity) FILTER (WHERE s.deleted_at IS NULL), 0) "
                      "FROM pms_parts p LEFT JOIN pms_inventory_stock s ON s.part_id = p.id "
                      "WHERE p.id = ANY($1::uuid[]) GROUP BY p.id",
    "v_stock_from_transactions": "SELECT s.id, s.quantity, coalesce(sum(t.quantity_change), 0), "
                                 "CASE WHEN s.quantity = coalesce(sum(t.quantity_change), 0) THEN 'OK' ELSE 'DRIFT' END "
                                 "FROM pms_inventory_stock s LEFT JOIN pms_inventory_transactions t ON t.stock_id = s.id "
                                 "WHERE s.id = ANY($1::uuid[]) GROUP BY s.id",
}


def _view_sql(view: str, columns: tuple[str, ...]) -> str:
    ident = columns[0]
    extra = ", reconciliation_status" if view == "v_stock_from_transactions" else ""
    return f"SELECT {', '.join(columns)}{extra} FROM public.{view} WHERE {ident} = ANY($1::uuid[])"


async def _view_scenario(factory, side: Side) -> None:
    """Beside the side's live and deactivated rows: a deactivated row on the live part, a part
    with no stock, and a row whose quantity drifted (owner, rolled back with the test)."""
    there = await factory.location(side.yacht)
    extra = await factory.stock(side.ship.part, there, quantity=4)
    await factory.conn.execute("UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = $1", extra.id)
    await factory.part(side.yacht)
    await factory.conn.execute("UPDATE pms_inventory_stock SET quantity = quantity + 2 WHERE id = $1", side.ship.stock.id)


async def test_views_match_their_base_tables(lens_tx, as_user, lens_binding, factory, sides, record_cells):
    """Every §3 view x every reader (the owner, each role): the rows it shows are what its
    definition gives over the base-table rows the same reader sees — on-hand sums active stock
    rows only, and the reconciliation view carries each row's quantity, ledger sum and status —
    with deactivated rows, a part without stock and a drifted row present."""
    own, foreign = sides
    for side in sides:
        await _view_scenario(factory, side)
    ids = {
        "pms_part_stock": [r["id"] for r in await lens_tx.fetch(
            "SELECT id FROM pms_parts WHERE yacht_id = ANY($1::uuid[])", _yachts(own, foreign))],
        "v_stock_from_transactions": [r["id"] for r in await lens_tx.fetch(
            "SELECT id FROM pms_inventory_stock WHERE yacht_id = ANY($1::uuid[])", _yachts(own, foreign))],
    }
    cells = surface.view_cells()
    for cell in cells:
        view_sql, base_sql, keys = _view_sql(cell.target, lens_binding.view_columns[cell.target]), \
            RECOMPUTED[cell.target], ids[cell.target]

        async def work(conn, view_sql=view_sql, base_sql=base_sql, keys=keys):
            shown = {tuple(r) for r in await conn.fetch(view_sql, keys)}
            computed = {tuple(r) for r in await conn.fetch(base_sql, keys)}
            if shown != computed:
                return Inconsistent(f"view shows {sorted(map(str, shown - computed))}, base tables give "
                                    f"{sorted(map(str, computed - shown))}")
            return f"{len(shown)} rows"
        who = cell.role if cell.role == "owner" else own.users[cell.role]
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, who, work)
    record_cells(cells, "view_contents")
    owner_rows = [c for c in cells if c.role == "owner"]
    assert all(c.detail != "0 rows" for c in owner_rows), "the owner saw no row: the comparison proves nothing"


# -- stock functions: every ledger type x role, and who the ledger row names -----------------

def _movement_columns(ttype: str, own: Side, caller, reversible: dict) -> dict:
    """The ledger columns of a valid ``ttype`` movement on the own stock (§4): links, a
    signature by the caller where one is required, a fresh transfer group."""
    cols = _ledger_links(ttype, own, reversible.get(ttype))
    if ttype.startswith("transferred"):
        cols["transfer_group_id"] = uuid.uuid4()
    if ttype in ("write_off", "reversed"):
        cols.update(signature=signature(caller), signed_by=caller.id)
    return cols


async def _ledger_ids(conn, yachts) -> set:
    return {r["id"] for r in await conn.fetch(
        "SELECT id FROM pms_inventory_transactions WHERE yacht_id = ANY($1::uuid[])", yachts)}


@pytest.mark.parametrize("function", roles.STOCK_FUNCTIONS)
async def test_function_movements(lens_tx, as_user, lens_binding, sides, record_cells, function):
    """Every stock function anon/authenticated may EXECUTE x every ledger type it books x every
    role, called directly (PostgREST /rpc) with an otherwise valid call: admitted exactly for
    the tier of the §7 action that books that type; a refusal leaves both yachts as they were;
    a booking keeps stock and ledger together and every ledger row it wrote names the caller,
    as author and as signer — also when the call's extra parameters (§10) offer a colleague's id
    as the ledger user_id, or as signed_by and the signature's user_id of a signed type."""
    own, foreign = sides
    yachts = _yachts(own, foreign)
    consumed = await lens_binding.deduct(lens_tx, own.ship.stock.id, 1, yacht_id=own.yacht.id)
    received = await lens_binding.add(lens_tx, own.ship.stock.id, 1, yacht_id=own.yacht.id)
    assert consumed.success and received.success, (consumed, received)
    # a reversal undoes a row of the opposite sign, one unit each way
    reversible = {"deduct_stock_inventory": received.ledger_id, "add_stock_inventory": consumed.ledger_id}
    both = (await _foreign_state(lens_tx, own.yacht.id), await _foreign_state(lens_tx, foreign.yacht.id))
    before = await _ledger_ids(lens_tx, yachts)
    cells = [c for c in surface.movement_cells(await surface.executable_functions(lens_tx)) if c.target == function]
    for cell in cells:
        user = own.users[cell.role]
        colleague = own.users["captain" if cell.role == "deckhand" else "deckhand"]
        ttype, _, override = cell.operation.partition("+")
        fn = cell.target
        cols = _movement_columns(ttype, own, user, {"reversed": reversible[fn]})
        if override == "details:user_id":
            cols["user_id"] = colleague.id
        elif override == "details:signed_by":
            cols.update(signature=signature(colleague), signed_by=colleague.id)
        move = lens_binding.deduct if fn.startswith("deduct") else lens_binding.add

        async def work(conn, move=move, ttype=ttype, cols=cols, user=user):
            outcome = await move(conn, own.ship.stock.id, 1, movement=ttype, undo=False, **cols)
            if outcome.success:   # what a commit would check: deferred rules (§11.3 a transfer leg alone)
                await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            await conn.execute("RESET ROLE")
            if not outcome.success:
                after = (await _foreign_state(conn, own.yacht.id), await _foreign_state(conn, foreign.yacht.id))
                return Inconsistent(f"refused ({outcome.error_code or outcome.sqlstate}) but rows or stock "
                                    "moved") if after != both else False
            if diverged := await unaccounted_stock(conn, yachts):
                return Inconsistent(f"booked, but stock and ledger diverged on {sorted(map(str, diverged))}")
            named = {str(n) for r in await conn.fetch(
                "SELECT user_id, signed_by, signature ->> 'user_id' FROM pms_inventory_transactions "
                "WHERE id = ANY($1::uuid[])", list(await _ledger_ids(conn, yachts) - before))
                for n in r if n is not None}
            if named != {str(user.id)}:
                return Inconsistent(f"booked in the name of {sorted(named)} (author or signer), "
                                    f"not the caller {user.id}")
            return f"booked ({outcome.quantity_before} -> {outcome.quantity_after})"
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)
    record_cells(cells, f"function_movements.{function}")


# -- direct inserts into the ledger and the audit log: in whose name --------------------------

async def test_rows_name_their_author(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every attributed table (ledger, audit log) x role x author: a direct INSERT (what
    PostgREST lets a client send) naming the caller follows the table's own rules; one naming a
    colleague on the same yacht is refused, whatever the caller's tier."""
    own, _ = sides
    opening = await lens_tx.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1",
                                     own.ship.stock.id)
    cells = surface.attribution_cells()
    for cell in cells:
        user = own.users[cell.role]
        author = user if cell.scope == "self" else own.users["captain" if cell.role == "deckhand" else "deckhand"]
        if cell.target == roles.LEDGER_TABLE:
            ttype = next(iter(sorted(roles.direct_insert_types(cell.role))), "consumed")
            extra = _ledger_links(ttype, own, opening)

            async def work(conn, ttype=ttype, extra=extra, author=author):
                return (await insert_ledger(conn, own.ship, author, ttype, returning=False, **extra)).endswith(" 1")
        else:
            async def work(conn, author=author):
                return (await conn.execute(
                    "INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, signature) "
                    "VALUES ($1, 'part', $2, 'surface_attribution', $3, '{}'::jsonb)",
                    own.yacht.id, own.ship.part.id, author.id)).endswith(" 1")
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, user, work)
        cell.detail = f"as {author.role}: {cell.detail}"
    record_cells(cells, "attribution")
