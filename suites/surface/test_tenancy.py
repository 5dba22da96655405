"""Tenancy cells of the inventory (harness/surface_tenancy.py): a user holding roles on two
yachts, rows pointed at another yacht, what executable functions return, TRUNCATE, and the yacht
registry.  Same machinery as test_surface.py: as `authenticated` with JWT claims (or `anon`)
inside the test's rolled-back transaction, one savepoint per cell, judged by harness.roles."""
from __future__ import annotations

import re
import uuid

import asyncpg
import pytest

from harness import roles, surface, surface_tenancy
from harness.batch import Probe, probe_all
from harness.db import claims_for, literal

from .test_surface import (  # noqa: F401  (sides: fixture)
    PARTS,
    Side,
    _accounted,
    _affected,
    _attempt,
    _foreign_state,
    _hostile_args,
    _judged,
    _ledger_insert_cell,
    _one_row,
    _stock_function_cell,
    _storage_cells,
    _table_batch,
    _table_command,
    in_part,
    sides,
)

pytestmark = pytest.mark.spread  # independent tests, each long on a remote server


async def _second_yacht_roles(conn, own: Side, foreign: Side) -> None:
    """Every user of the own yacht also holds an active captain row on the other yacht (rolled
    back with the test): the moved captain whose old row nobody deactivated, or relief crew."""
    for user in own.users.values():
        await conn.execute("INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES ($1, $2, $3, true)",
                           user.id, foreign.yacht.id, roles.SECOND_YACHT_ROLE)


def _side_of(scope: str, own: Side, foreign: Side) -> Side:
    return own if roles.dual_scope(scope) == "own" else foreign


async def _helper_cells(cells, lens_tx, lens_binding, own: Side, foreign: Side) -> None:
    """Each user asks a role helper about itself on a yacht (PostgREST exposes the helpers):
    one probe per cell, all in one batch."""
    probes = []
    for cell in cells:
        user, yacht = own.users[cell.role], _side_of(cell.scope, own, foreign).yacht.id
        probes.append(Probe("authenticated", claims_for(user), f"SELECT public.{cell.target}("
                            f"{literal(str(user.id))}::uuid, {literal(str(yacht))}::uuid)::text", value=True))
    for cell, outcome in zip(cells, await probe_all(lens_tx, probes)):
        took = {"true": True, "false": False}.get(outcome.value, outcome.value)
        cell.actual, cell.detail = _judged(lens_binding, outcome) if outcome.sqlstate else \
            (("allowed", str(took)) if took else ("denied", f"no effect ({took})"))


@pytest.mark.parametrize("part", PARTS)
async def test_identity_change(lens_tx, as_user, lens_binding, sides, record_cells, part):
    """A user whose profile and role are on the own yacht and who also holds an active captain row
    on the other yacht: every table and view x command, every direct ledger type, every hostile
    stock-function call, every storage operation and every role helper, on both yachts, judged
    as the plain user (§1: the yacht is the active profile's; §2: a helper answers for that
    yacht's role; §6: another yacht's id reaches nothing)."""
    own, foreign = sides
    await _second_yacht_roles(lens_tx, own, foreign)
    cells = in_part(surface_tenancy.identity_cells(await surface.yacht_tables(lens_tx), await surface.yacht_views(lens_tx),
                                                   await surface.buckets(lens_tx)), part,
                    lambda c: c.extra.get("kind") == "function")
    # function cells first: they compare both yachts with this snapshot, and an INSERT cell's
    # copy may first add the rows it references (as the owner, kept until the test ends)
    both = (await _foreign_state(lens_tx, own.yacht.id), await _foreign_state(lens_tx, foreign.yacht.id))
    for cell in sorted(cells, key=lambda c: c.extra.get("kind") != "function"):
        side, user = _side_of(cell.scope, own, foreign), own.users[cell.role]
        kind = cell.extra.get("kind")
        if kind == "ledger_insert":
            await _ledger_insert_cell(cell, lens_tx, as_user, lens_binding, side, user)
        elif kind == "function":
            await _stock_function_cell(cell, lens_tx, as_user, lens_binding, own, foreign, both)
    await _table_batch([(c, _side_of(c.scope, own, foreign), own.users[c.role], ()) for c in cells
                        if c.extra.get("kind") not in ("storage", "ledger_insert", "function", "helper")],
                       lens_tx, lens_binding, own, foreign)
    await _storage_cells([(c, roles.dual_scope(c.scope)) for c in cells if c.extra.get("kind") == "storage"],
                         lens_tx, lens_binding, own, foreign)
    await _helper_cells([c for c in cells if c.extra.get("kind") == "helper"], lens_tx, lens_binding, own, foreign)
    record_cells(cells, f"identity.{part}")


async def test_tenant_columns(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every per-yacht table x role: ``yacht_id`` set to the other yacht (moving rows into
    another tenant) and each foreign key to a per-yacht table set to the other yacht's row.  The
    UPDATE has no WHERE: a statement that reads no column needs no SELECT right, so the new row
    is held to the UPDATE policy's WITH CHECK alone (a filtered one would also meet the SELECT
    policy and hide a WITH CHECK that forgot the yacht).  It reaches the rows the UPDATE policy
    lets the role see — the own yacht's, each with a live row to move."""
    own, foreign = sides
    tables = await surface.yacht_tables(lens_tx)
    roots = await surface_tenancy.tenancy_roots(lens_tx)
    cells = surface_tenancy.tenant_column_cells(await surface_tenancy.tenant_columns(lens_tx, tables, roots))
    rows = {t: await _one_row(lens_tx, t, own.yacht.id) for t in tables}
    for cell in cells:
        table, column, ref = cell.extra["table"], cell.extra["column"], cell.extra["references"]
        value = foreign.yacht.id if column == "yacht_id" or ref in roots else await lens_tx.fetchval(
            f"SELECT id FROM public.{ref} WHERE yacht_id = $1 LIMIT 1", foreign.yacht.id)
        if rows[table] is None or value is None:
            cell.actual, cell.detail = (None if cell.expected == roles.ALLOWED else "denied"), "no row to try"
            continue

        async def work(conn, sql=f'UPDATE public.{table} SET "{column}" = $1', value=value):
            return await _accounted(conn, _affected(await conn.execute(sql, value)), [own.yacht.id, foreign.yacht.id])
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, own.users[cell.role], work)
    record_cells(cells, "tenant_columns")


UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _uuids(value) -> set[str]:
    """Every id in a function's answer, however it is shaped (rows, arrays, json or text)."""
    if isinstance(value, uuid.UUID):
        return {str(value)}
    if isinstance(value, str):
        return {m.lower() for m in UUID_TEXT.findall(value)}
    if isinstance(value, (list, tuple, asyncpg.Record)):
        return set().union(*(_uuids(v) for v in value)) if len(value) else set()
    if isinstance(value, dict):
        return _uuids(list(value.values()))
    return set()


async def _ids_of(conn, side: Side) -> set[str]:
    """The yacht's id and the id of every row it holds in a per-yacht table."""
    ids = {str(side.yacht.id)}
    for table in await surface.yacht_tables(conn):
        ids |= _uuids(await conn.fetch(f"SELECT to_jsonb(t) ->> 'id' FROM public.{table} t WHERE yacht_id = $1",
                                       side.yacht.id))
    return ids


async def test_read_functions(lens_tx, as_user, lens_binding, sides, record_cells):
    """Every function anon/authenticated may EXECUTE x each role (also holding a captain row on
    the other yacht) x NULLs / own ids / the other yacht's ids, while both yachts hold drift (the
    state a report function reports): no answer names a row of the other yacht.  A function
    running as its definer reads past RLS; only its own filter keeps the tenants apart."""
    own, foreign = sides
    functions = await surface.executable_functions(lens_tx)
    cells = sorted(surface_tenancy.read_function_cells(functions), key=lambda c: c.scope in roles.DUAL_SCOPES)
    names = {f["oid"]: await lens_tx.fetchval("SELECT coalesce(proargnames, '{}') FROM pg_proc WHERE oid = $1", f["oid"])
             for f in functions}
    for side in (own, foreign):
        await lens_tx.execute("UPDATE pms_inventory_stock SET quantity = quantity + 1 WHERE id = $1", side.ship.stock.id)
    theirs, ours = await _ids_of(lens_tx, foreign), await _ids_of(lens_tx, own)
    # one batch before and one after the second yacht's roles: each call's every row as JSON
    for batch in ([c for c in cells if c.scope not in roles.DUAL_SCOPES], [c for c in cells if c.scope in roles.DUAL_SCOPES]):
        if batch and batch[0].scope in roles.DUAL_SCOPES:
            await _second_yacht_roles(lens_tx, own, foreign)
        probes = []
        for cell in batch:
            oid, types = cell.extra["oid"], cell.extra["types"]
            args = _hostile_args(cell, list(names[oid]), types, own if cell.operation == "own_ids" else foreign)
            call = ", ".join(f"{'NULL' if v is None else literal(str(v))}::{t}" for v, t in zip(args, types))
            sql = f"SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]')::text FROM public.{cell.target.split('(')[0]}({call}) r"
            probes.append(Probe(cell.role, None, sql, value=True) if cell.role == "anon" else
                          Probe("authenticated", claims_for(own.users[cell.role]), sql, value=True))
        for cell, outcome in zip(batch, await probe_all(lens_tx, probes)):
            seen = set() if outcome.sqlstate else _uuids(outcome.value)   # refused: it returned nothing
            cell.extra["own"] = sorted(seen & ours)
            leaked = seen & theirs
            took = None if outcome.sqlstate else leaked and f"returned {len(leaked)} of the other yacht's ids"
            cell.actual, cell.detail = ("allowed", str(took)) if took else ("denied", f"no effect ({took})")
    record_cells(cells, "read_functions")
    # the cells can fail: the drift injected on the own yacht is what the contract's report returns
    drift = [c for c in cells if c.target.startswith("check_inventory_drift(") and c.role in roles.OPERATIONAL_CREW]
    assert any(str(own.ship.stock.id) in c.extra.get("own", ()) for c in drift), \
        "check_inventory_drift() did not report the own yacht's injected drift: the read cells cannot fail"


async def test_truncate(lens_tx, as_user, lens_binding, lens_settings, sides, record_cells):
    """Every public table x role and anon: TRUNCATE (not subject to row-level security) is never
    granted.  A granted TRUNCATE that then waits for the table's lock or meets a foreign key
    still counts as allowed: the privilege is the hole.  On a user's server (dsn target) the
    acting role asks the catalog instead: TRUNCATE is logged as DDL even when refused, and no
    DDL reaches a user's server."""
    own, _ = sides
    cells = surface_tenancy.truncate_cells(await surface_tenancy.public_tables(lens_tx))
    for cell in cells:
        async def work(conn, table=cell.target):
            if lens_settings.target == "dsn":
                return await conn.fetchval("SELECT has_table_privilege($1, 'TRUNCATE')", f"public.{table}") \
                    and "granted (catalog)"
            try:
                async with conn.transaction():
                    await conn.execute("SET LOCAL lock_timeout = '200ms'")
                    await conn.execute(f"TRUNCATE public.{table}")
            except asyncpg.PostgresError as exc:
                if exc.sqlstate == "42501":
                    raise
                return f"granted (then {exc.sqlstate})"
            return "truncated"
        who = "anon" if cell.role == "anon" else own.users[cell.role]
        cell.actual, cell.detail = await _attempt(lens_binding, lens_tx, as_user, who, work)
    record_cells(cells, "truncate")


async def test_registry(lens_tx, as_user, lens_binding, sides, record_cells):
    """The tables a ``yacht_id`` points at (the yacht registry, keyed by ``id``) x role x
    select/insert/update/delete x own/foreign, as a plain user and as one also holding a
    captain row on the other yacht."""
    own, foreign = sides
    cells = sorted(surface_tenancy.registry_cells(await surface_tenancy.tenancy_roots(lens_tx)),
                   key=lambda c: c.scope in roles.DUAL_SCOPES)
    dual = False
    for cell in cells:
        if cell.scope in roles.DUAL_SCOPES and not dual:
            await _second_yacht_roles(lens_tx, own, foreign)
            dual = True
        await _table_command(cell, lens_tx, as_user, lens_binding, _side_of(cell.scope, own, foreign).yacht.id,
                             own.users[cell.role], own, foreign, key="id")
    record_cells(cells, "registry")
