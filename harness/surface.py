"""The attack-surface inventory: cells generated from the target's catalog, judged by the
contract's role model (harness/roles.py), written as a matrix for the report.

Hand-listed checks miss what nobody listed (an independent round of defects found a function
that accepts a non-positive quantity when called directly, ledger inserts never tried on another
yacht, storage update/delete never tried).  Here the surfaces come from the catalog — every
public table with a ``yacht_id``, every function ``anon``/``authenticated`` may EXECUTE, every
storage bucket — and each is crossed with every role, command and own/foreign/escaping scope.
A cell's expected outcome comes from ``harness.roles``; cells the contract is silent on are
listed as ``unspecified`` (recorded with what happened, never counted as verified).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import asyncpg

from harness import roles
from harness.batch import catalog

COMMANDS = ("select", "insert", "update", "delete")
#: own yacht, another yacht, and "former": the yacht the acting user belonged to before its
#: profile and roles moved to the own yacht (rows it wrote there are not its own any more).
SCOPES = ("own", "foreign", "former")
STORAGE_SCOPES = ("own", "foreign", "escaping", *roles.OTHER_FOLDERS)
#: Hostile argument sets for a direct call of a stock function (PostgREST /rpc).
STOCK_ARGS = ("valid", "null_stock", "null_quantity", "zero", "negative", "int4_overflow",
              "foreign_stock", "foreign_yacht", "foreign_stock_null_yacht", "deactivated_stock")


@dataclass
class Cell:
    surface: str          # table | column_update | deactivated | ledger_insert | function | storage | api
    target: str           # table, function or bucket
    role: str             # contract role (or anon)
    operation: str        # command, transaction type or argument set
    scope: str            # own | foreign | escaping | hostile
    expected: str         # allowed | denied | unspecified
    rule: str
    actual: str | None = None
    detail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.actual is None:
            return "not run"
        if self.actual == roles.INCONSISTENT:
            return "failed"
        if self.expected == roles.UNSPECIFIED:
            return "observed"
        return "verified" if self.actual == self.expected else "failed"

    def label(self) -> str:
        return f"{self.surface}:{self.target}:{self.role}:{self.operation}:{self.scope}"


async def yacht_tables(conn: asyncpg.Connection) -> list[str]:
    """Public base tables that hold per-yacht rows (a ``yacht_id`` column)."""
    rows = await catalog(
        conn, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'yacht_id' AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")
    return [r["relname"] for r in rows]


async def yacht_views(conn: asyncpg.Connection) -> list[str]:
    """Public views over per-yacht rows: read through them, RLS must still apply (a view runs as
    its owner unless ``security_invoker``)."""
    rows = await catalog(
        conn, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'yacht_id' AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') ORDER BY 1")
    return [r["relname"] for r in rows]


#: How an UPDATE changes a column of each type to another value of that type (columns of any
#: other type are left out of the column cells).
CHANGED_VALUE = {
    "integer": "coalesce({c}, 0) + 1", "smallint": "coalesce({c}, 0) + 1", "bigint": "coalesce({c}, 0) + 1",
    "numeric": "coalesce({c}, 0) + 1", "text": "coalesce({c}, '') || '-lens'",
    "character varying": "coalesce({c}, '') || '-lens'", "uuid": "gen_random_uuid()",
    "boolean": "NOT coalesce({c}, false)", "jsonb": "coalesce({c}, '{{}}'::jsonb) || '{{\"lens\": 1}}'::jsonb",
    "timestamp with time zone": "coalesce({c}, now()) + interval '1 day'",
    "timestamp without time zone": "coalesce({c}, now()::timestamp) + interval '1 day'",
    "date": "coalesce({c}, current_date) + 1",
}


async def mutable_columns(conn: asyncpg.Connection, table: str) -> list[tuple[str, str]]:
    """(column, SQL expression of a changed value) for every column but the row's identity and
    tenancy (``id``, ``yacht_id``: moving rows between yachts is the table cells' business)."""
    rows = await catalog(
        conn, "SELECT a.attname, format_type(a.atttypid, NULL) AS type FROM pg_attribute a "
        "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "ORDER BY a.attnum", f"public.{table}")
    return [(r["attname"], CHANGED_VALUE[r["type"]].format(c=f'"{r["attname"]}"')) for r in rows
            if r["type"] in CHANGED_VALUE and r["attname"] not in ("id", "yacht_id")]


async def ledger_references(conn: asyncpg.Connection) -> list[str]:
    """Ledger columns that are foreign keys, but the row's own stock, part and yacht (those come
    from the call's parameters): a dangling value fails only at the ledger insert."""
    rows = await catalog(
        conn, "SELECT DISTINCT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "AND a.attnum = ANY(c.conkey) WHERE c.conrelid = $1::regclass AND c.contype = 'f' "
        "AND a.attname NOT IN ('stock_id', 'part_id', 'yacht_id') ORDER BY 1",
        f"public.{roles.LEDGER_TABLE}")
    return [r["attname"] for r in rows]


async def executable_functions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Public functions (not trigger functions) ``anon`` or ``authenticated`` may EXECUTE."""
    return await conn.fetch(
        "SELECT p.oid, p.proname, pg_get_function_identity_arguments(p.oid) AS args, "
        "  p.proargtypes::regtype[]::text[] AS types, "
        "  has_function_privilege('anon', p.oid, 'EXECUTE') AS anon, "
        "  has_function_privilege('authenticated', p.oid, 'EXECUTE') AS authenticated "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.prokind = 'f' AND p.prorettype <> 'trigger'::regtype "
        "  AND (has_function_privilege('anon', p.oid, 'EXECUTE') "
        "       OR has_function_privilege('authenticated', p.oid, 'EXECUTE')) ORDER BY 2, 3")


async def buckets(conn: asyncpg.Connection) -> list[str]:
    return [r["id"] for r in await conn.fetch("SELECT id FROM storage.buckets ORDER BY id")]


async def storage_folders(conn: asyncpg.Connection) -> list[str]:
    """Each literal the storage policies compare a name's folders with (buckets aside)."""
    rows = await conn.fetch("SELECT coalesce(qual, '') || ' ' || coalesce(with_check, '') AS t FROM pg_policies "
                            "WHERE schemaname = 'storage'")
    found = {m for r in rows for m in re.findall(r"'([A-Za-z][A-Za-z0-9_-]{1,40})'", r["t"])}
    return sorted(found - set(await buckets(conn)))


#: At most this many folder paths (one folder, or two nested) are tried under another yacht's prefix.
FOLDER_PATHS = 40


def folder_paths(folders: list[str]) -> list[str]:
    """Every folder the policies name, alone and nested two deep in either order: a policy that
    admits one nested folder of any yacht (``<yacht>/a/b/``) meets an object there."""
    return [*folders, *(f"{a}/{b}" for a in folders for b in folders if a != b)][:FOLDER_PATHS]


def table_cells(tables: list[str], views: list[str] = ()) -> list[Cell]:
    """Every table x role x command x own/foreign/former yacht, and every view x role x select."""
    return [Cell("table", t, role, cmd, scope, *roles.table_expectation(t, cmd, role, scope))
            for t in tables for role in roles.SURFACE_ROLES.values() for cmd in COMMANDS for scope in SCOPES] + [
        Cell("view", v, role, "select", scope, *roles.table_expectation(v, "select", role, scope))
        for v in views for role in roles.SURFACE_ROLES.values() for scope in SCOPES]


def column_cells(columns: dict[str, list[tuple[str, str]]]) -> list[Cell]:
    """Every column of every per-yacht table x role: an UPDATE of the own yacht's rows."""
    return [Cell("column_update", f"{t}.{col}", role, "update", "own", *roles.column_update_expectation(t, role, col),
                 extra={"table": t, "column": col, "value": value})
            for t, cols in columns.items() for col, value in cols for role in roles.SURFACE_ROLES.values()]


def deactivated_cells(stock_columns: list[tuple[str, str]]) -> list[Cell]:
    """A deactivated stock row: every column (deleted_at moved, not cleared) x every actor, and a
    direct ledger row of every type x every actor (§4: refused whoever asks)."""
    cells = [Cell("deactivated", f"{roles.STOCK_TABLE}.{col}", actor, "update", "own",
                  *roles.deactivated_expectation(actor), extra={"column": col, "value": value})
             for col, value in stock_columns for actor in roles.SOFT_DELETE_ACTORS]
    return cells + [Cell("deactivated", roles.LEDGER_TABLE, actor, ttype, "own", *roles.deactivated_expectation(actor))
                    for ttype in sorted(roles.TRANSACTION_TYPES) for actor in roles.SOFT_DELETE_ACTORS]


def ledger_insert_cells() -> list[Cell]:
    return [Cell("ledger_insert", roles.LEDGER_TABLE, role, ttype, "own", *roles.ledger_insert_expectation(role, ttype))
            for role in roles.SURFACE_ROLES.values() for ttype in sorted(roles.TRANSACTION_TYPES)]


def function_cells(functions: list[asyncpg.Record], reference_columns: list[str] = ()) -> list[Cell]:
    """Stock functions: every role (and anon) x hostile argument set, and — when the function
    takes more than §6's three parameters — one dangling id per ledger reference column passed
    through the extras (it fails late, at the ledger insert, after the stock row is locked and
    read).  Any other executable function: every role x {all NULL, another yacht's ids} — it
    must not touch another yacht."""
    cells = []
    for fn in functions:
        name = fn["proname"]
        if name in roles.STOCK_FUNCTIONS:
            extras = [f"details:{col}" for col in reference_columns] if len(fn["types"]) > 3 else []
            cells.append(Cell("function", name, "anon", "valid", "hostile",
                              *roles.function_expectation(name, "anon", "valid")))
            cells += [Cell("function", name, role, args, "hostile", *roles.function_expectation(name, role, args))
                      for role in roles.SURFACE_ROLES.values() for args in (*STOCK_ARGS, *extras)]
        elif fn["authenticated"]:
            cells += [Cell("function", f"{name}({fn['args']})", role, args, "foreign",
                           roles.DENIED, "§5 tenancy: no function changes another yacht's rows",
                           extra={"oid": fn["oid"], "types": list(fn["types"])})
                      for role in roles.SURFACE_ROLES.values() for args in ("nulls", "foreign_ids")]
    return cells


def storage_cells(bucket_ids: list[str]) -> list[Cell]:
    return [Cell("storage", b, role, op, scope, *roles.storage_expectation(b, op, role, scope))
            for b in bucket_ids for role in roles.SURFACE_ROLES.values() for op in COMMANDS for scope in STORAGE_SCOPES]


def api_cells(reads: tuple[str, ...] = ()) -> list[Cell]:
    """Every action and read x role with another yacht's ids, and every action's effects on
    its own yacht (ledger rows of §7's types, exactly one audit row). `reads` are the GET
    targets the API profile declares (routes vary, CONTRACT §10): only those are probed."""
    cells = []
    for role in roles.SURFACE_ROLES.values():
        for action in roles.ACTIONS:
            outcome, status, rule = roles.api_expectation(role, action)
            cells.append(Cell("api", f"POST {action}", role, "foreign_ids", "foreign", outcome, rule,
                              extra={"status": status, "action": action}))
        for read in reads:
            outcome, status, rule = roles.api_expectation(role, None)
            cells.append(Cell("api", read, role, "foreign_ids", "foreign", outcome, rule, extra={"status": status}))
    for action, types in roles.ACTION_LEDGER_TYPES.items():
        cells.append(Cell("api_effects", f"POST {action}", "lowest allowed tier", "valid", "own", roles.ALLOWED,
                          f"§7: ledger rows {', '.join(types) or 'none'} and one audit row, in one transaction, "
                          "each naming the caller",
                          extra={"action": action, "types": sorted(types)}))
    return cells


#: Every shape stock and ledger can disagree in, injected by the owner, and whether §3's drift
#: check must report the stock row (it covers active rows only).
DRIFT_SHAPES: dict[str, bool] = {
    "quantity_raised_without_ledger_row": True, "quantity_lowered_without_ledger_row": True,
    "stock_row_without_any_ledger_row": True, "ledger_row_without_stock_change": True,
    "two_rows_drifting": True, "consistent_empty_stock_row": False,
    "deactivated_row_drifting": False, "reactivated_row_drifting": True,
}
DRIFT_DETECTORS = ("check_inventory_drift()", "v_stock_from_transactions")


def drift_cells() -> list[Cell]:
    """Every drift detector x every shape of drift: reported exactly when §3 says."""
    return [Cell("drift", d, "owner", shape, "own", "reported" if reported else "silent",
                 "§3: one row per active stock row whose quantity is not its ledger sum"
                 + ("" if d.endswith(")") else " (status DRIFT)"))
            for d in DRIFT_DETECTORS for shape, reported in DRIFT_SHAPES.items()
            if d.endswith(")") or not shape.startswith("deactivated")]   # the view also lists deactivated rows


def view_cells() -> list[Cell]:
    """Every §3 view x every reader (the owner and each role): contents = the base tables."""
    return [Cell("view_contents", v, reader, "select", "own", *roles.view_expectation(reader))
            for v in roles.CONTRACT_VIEWS for reader in ("owner", *roles.SURFACE_ROLES.values())]


def movement_cells(functions: list[asyncpg.Record]) -> list[Cell]:
    """Every executable stock function x every ledger type it books x every role, a valid call
    otherwise; and, when the function takes extra parameters (§10), a colleague's id offered as
    the ledger's user_id, and for a signed type as its signer (signed_by and the signature's
    user_id): whatever is booked must name the caller."""
    cells = []
    for fn in (f for f in functions if f["proname"] in roles.STOCK_FUNCTIONS):
        name = fn["proname"]
        for role in roles.SURFACE_ROLES.values():
            cells += [Cell("function_movement", name, role, ttype, "own", *roles.movement_expectation(role, ttype))
                      for ttype in roles.FUNCTION_MOVEMENTS[name]]
            if len(fn["types"]) > 3:
                cells += [Cell("function_movement", name, role, f"{ttype}+details:{column}", "own",
                               *roles.colleague_expectation(role, ttype, column))
                          for ttype in roles.FUNCTION_MOVEMENTS[name] for column in ("user_id", "signed_by")
                          if column == "user_id" or ttype in roles.SIGNED_TYPES]
    return cells


def attribution_cells() -> list[Cell]:
    """A direct INSERT into every attributed table x role x author (the caller, a colleague)."""
    return [Cell("attribution", t, role, "insert", author, *roles.attribution_expectation(t, role, author))
            for t in roles.ATTRIBUTED for role in roles.SURFACE_ROLES.values() for author in ("self", "colleague")]


def summary(cells: list[Cell]) -> dict:
    out: dict = {}
    for c in cells:
        row = out.setdefault(c.surface, {"cells": 0, "verified": 0, "failed": 0, "observed": 0, "not run": 0,
                                         "declared": 0})
        row["cells"] += 1
        row[c.verdict] += 1
        row["declared"] += bool(c.extra.get("declared"))   # judged by the project's policy (harness/policy.py)
    return out


def write_matrix(directory: Path, name: str, cells: list[Cell]) -> Path:
    """``surface/<name>.json``: every cell with expectation, outcome, verdict and whether the
    project's policy decided it (``declared``), plus totals per surface."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    rows = [{**{k: v for k, v in asdict(c).items() if k != "extra"}, "verdict": c.verdict,
             "declared": bool(c.extra.get("declared"))} for c in cells]
    path.write_text(json.dumps({"summary": summary(cells), "cells": rows}, indent=1, default=str))
    return path
