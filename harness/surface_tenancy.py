"""Tenancy cells of the attack-surface inventory: who a user is, and where a row belongs, tried
from every side the catalog offers (harness/surface.py holds the cell model and the rest).

A blind red team got eight tenancy defects past the inventory (docs/redteam/round2): every
actor held roles on one yacht only, UPDATEs never changed ``yacht_id``, definer functions were
checked for what they write but not for what they return, the yacht registry (keyed by ``id``)
was not a per-yacht table, TRUNCATE was no command.  Each gap is closed here for its whole class:

- ``identity``: an actor whose profile is on the own yacht also holds an active captain row on
  the other one (a moved captain, relief crew) — every table, view, ledger type, stock-function
  argument set, storage operation and role helper, on both yachts;
- ``tenant_column``: an UPDATE of an own row that points ``yacht_id`` and every foreign key to a
  per-yacht table at the other yacht;
- ``read_function``: every function anon/authenticated may EXECUTE, with NULLs, own and foreign
  ids, while both yachts hold drift (the state a report function reports): nothing returned may
  name another yacht's row;
- ``truncate``: every public table x role (TRUNCATE ignores row-level security);
- ``registry``: the tables a ``yacht_id`` points at (the yacht registry, keyed by ``id``) x role x
  command x own/foreign, as a plain and as a dual-yacht actor.
"""
from __future__ import annotations

import asyncpg

from harness import roles
from harness.surface import COMMANDS, STOCK_ARGS, Cell

IDENTITY = "identity"


async def tenancy_roots(conn: asyncpg.Connection) -> list[str]:
    """Public tables a ``yacht_id`` foreign key points at (the yacht registry): their own ``id``
    is the tenant."""
    rows = await conn.fetch(
        "SELECT DISTINCT r.relname FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid "
        "JOIN pg_namespace n ON n.oid = r.relnamespace JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "AND a.attnum = c.conkey[1] WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 "
        "AND a.attname = 'yacht_id' AND n.nspname = 'public' ORDER BY 1")
    return [r["relname"] for r in rows]


async def tenant_columns(conn: asyncpg.Connection, tables: list[str], roots: list[str]) -> dict[str, list[tuple[str, str]]]:
    """table -> [(column, referenced table)]: ``yacht_id`` and every single-column foreign key to
    another per-yacht table or to a tenancy root (a value that can point at the other yacht)."""
    rows = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS tbl, a.attname, r.relname AS ref FROM pg_constraint c "
        "JOIN pg_class r ON r.oid = c.confrelid JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "AND a.attnum = c.conkey[1] WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 "
        "AND c.conrelid = ANY($1::regclass[]) AND r.relname = ANY($2::text[]) ORDER BY 1, 2",
        [f"public.{t}" for t in tables], [*tables, *roots])
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in tables}
    for r in rows:
        out[r["tbl"].removeprefix("public.")].append((r["attname"], r["ref"]))
    for t in tables:   # a yacht_id without a foreign key is the tenant all the same
        if "yacht_id" not in dict(out[t]):
            out[t].insert(0, ("yacht_id", roots[0] if roots else ""))
    return out


async def public_tables(conn: asyncpg.Connection) -> list[str]:
    """Every public base table (the TRUNCATE cells: per-yacht or not, RLS does not apply)."""
    rows = await conn.fetch("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")
    return [r["relname"] for r in rows]


def identity_cells(tables: list[str], views: list[str], bucket_ids: list[str]) -> list[Cell]:
    """The dual-yacht actor (each surface role here, a captain there) x every surface, own and
    foreign.  Expectations are the plain scope's (harness.roles): a role row elsewhere changes
    nothing here and opens nothing there."""
    people = roles.SURFACE_ROLES.values()
    cells = [Cell(IDENTITY, t, role, cmd, scope, *roles.table_expectation(t, cmd, role, scope))
             for t in tables for role in people for cmd in COMMANDS for scope in roles.DUAL_SCOPES]
    cells += [Cell(IDENTITY, v, role, "select", scope, *roles.table_expectation(v, "select", role, scope))
              for v in views for role in people for scope in roles.DUAL_SCOPES]
    for role in people:
        for ttype in sorted(roles.TRANSACTION_TYPES):
            cells.append(Cell(IDENTITY, roles.LEDGER_TABLE, role, ttype, "dual_own",
                              *roles.ledger_insert_expectation(role, ttype), extra={"kind": "ledger_insert"}))
            cells.append(Cell(IDENTITY, roles.LEDGER_TABLE, role, ttype, "dual_foreign", roles.DENIED,
                              "§5 tenancy: no ledger row on another yacht's stock", extra={"kind": "ledger_insert"}))
        cells += [Cell(IDENTITY, fn, role, args, "dual_own", *roles.function_expectation(fn, role, args),
                       extra={"kind": "function"}) for fn in roles.STOCK_FUNCTIONS for args in STOCK_ARGS]
        cells += [Cell(IDENTITY, b, role, op, scope, *roles.storage_expectation(b, op, role, roles.dual_scope(scope)),
                       extra={"kind": "storage"})
                  for b in bucket_ids for op in COMMANDS for scope in roles.DUAL_SCOPES]
        for tier, helper in roles.TIER_HELPER.items():
            for scope, held in (("dual_own", role), ("dual_foreign", roles.SECOND_YACHT_ROLE)):
                cells.append(Cell(IDENTITY, helper, role, "call", scope, *roles.helper_expectation(tier, held),
                                  extra={"kind": "helper"}))
    return cells


def tenant_column_cells(columns: dict[str, list[tuple[str, str]]]) -> list[Cell]:
    """Every tenancy column of every per-yacht table x role: an own row pointed at the other yacht."""
    return [Cell("tenant_column", f"{t}.{col}", role, "update", "foreign", *roles.tenant_column_expectation(t, col),
                 extra={"table": t, "column": col, "references": ref})
            for t, cols in columns.items() for col, ref in cols for role in roles.SURFACE_ROLES.values()]


READ_ARGS = ("nulls", "own_ids", "foreign_ids")


def read_function_cells(functions: list[asyncpg.Record]) -> list[Cell]:
    """Every executable function x actor (each role, each role also holding a captain row on the
    other yacht, and anon where it may execute) x NULLs / own ids / another yacht's ids."""
    cells = []
    for fn in functions:
        actors = [(role, scope) for role in roles.SURFACE_ROLES.values() for scope in ("foreign", "dual_foreign")]
        actors += [("anon", "foreign")] if fn["anon"] else []
        cells += [Cell("read_function", f"{fn['proname']}({fn['args']})", role, args, scope,
                       *roles.read_function_expectation(role), extra={"oid": fn["oid"], "types": list(fn["types"])})
                  for role, scope in actors for args in READ_ARGS]
    return cells


def truncate_cells(tables: list[str]) -> list[Cell]:
    return [Cell("truncate", t, role, "truncate", "all", *roles.truncate_expectation(role))
            for t in tables for role in (*roles.SURFACE_ROLES.values(), "anon")]


def registry_cells(roots: list[str]) -> list[Cell]:
    """The tenancy roots x role x command x own/foreign, for a plain and a dual-yacht actor."""
    return [Cell("registry", t, role, cmd, scope, *roles.table_expectation(t, cmd, role, scope))
            for t in roots for role in roles.SURFACE_ROLES.values() for cmd in COMMANDS
            for scope in ("own", "foreign", *roles.DUAL_SCOPES)]


def api_identity_cells(reads: tuple[str, ...]) -> list[Cell]:
    """The dual-yacht actor over the API: every action its role may not run, with its own yacht's
    ids (403 whatever it holds elsewhere), and every action and declared read with the other
    yacht's ids (as for a plain user, harness.roles.api_expectation)."""
    cells = []
    for role in roles.SURFACE_ROLES.values():
        for action in roles.ACTIONS:
            if not roles.allowed(role, action):
                cells.append(Cell("api_identity", f"POST {action}", role, "own_ids", "dual_own", roles.DENIED,
                                  f"§7: {role} may not {action} (403), whatever it holds on another yacht",
                                  extra={"status": 403, "action": action}))
            outcome, status, rule = roles.api_expectation(role, action)
            cells.append(Cell("api_identity", f"POST {action}", role, "foreign_ids", "dual_foreign", outcome, rule,
                              extra={"status": status, "action": action}))
        outcome, status, rule = roles.api_expectation(role, None)
        cells += [Cell("api_identity", read, role, "foreign_ids", "dual_foreign", outcome, rule,
                       extra={"status": status}) for read in reads]
    return cells
