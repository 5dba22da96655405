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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import asyncpg

from harness import roles

COMMANDS = ("select", "insert", "update", "delete")
SCOPES = ("own", "foreign")
STORAGE_SCOPES = ("own", "foreign", "escaping")
#: Hostile argument sets for a direct call of a stock function (PostgREST /rpc).
STOCK_ARGS = ("valid", "null_stock", "null_quantity", "zero", "negative", "int4_overflow",
              "foreign_stock", "foreign_yacht", "deactivated_stock")


@dataclass
class Cell:
    surface: str          # table | ledger_insert | function | storage
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
        if self.expected == roles.UNSPECIFIED:
            return "observed"
        return "verified" if self.actual == self.expected else "failed"

    def label(self) -> str:
        return f"{self.surface}:{self.target}:{self.role}:{self.operation}:{self.scope}"


async def yacht_tables(conn: asyncpg.Connection) -> list[str]:
    """Public base tables that hold per-yacht rows (a ``yacht_id`` column)."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'yacht_id' AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")
    return [r["relname"] for r in rows]


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


def table_cells(tables: list[str]) -> list[Cell]:
    return [Cell("table", t, role, cmd, scope, *roles.table_expectation(t, cmd, role, scope))
            for t in tables for role in roles.SURFACE_ROLES.values() for cmd in COMMANDS for scope in SCOPES]


def ledger_insert_cells() -> list[Cell]:
    return [Cell("ledger_insert", roles.LEDGER_TABLE, role, ttype, "own", *roles.ledger_insert_expectation(role, ttype))
            for role in roles.SURFACE_ROLES.values() for ttype in sorted(roles.TRANSACTION_TYPES)]


def function_cells(functions: list[asyncpg.Record]) -> list[Cell]:
    """Stock functions: every role (and anon) x hostile argument set.  Any other executable
    function: every role x {all NULL, another yacht's ids} — it must not touch another yacht."""
    cells = []
    for fn in functions:
        name = fn["proname"]
        if name in roles.STOCK_FUNCTIONS:
            cells.append(Cell("function", name, "anon", "valid", "hostile",
                              *roles.function_expectation(name, "anon", "valid")))
            cells += [Cell("function", name, role, args, "hostile", *roles.function_expectation(name, role, args))
                      for role in roles.SURFACE_ROLES.values() for args in STOCK_ARGS]
        elif fn["authenticated"]:
            cells += [Cell("function", f"{name}({fn['args']})", role, args, "foreign",
                           roles.DENIED, "§5 tenancy: no function changes another yacht's rows",
                           extra={"oid": fn["oid"], "types": list(fn["types"])})
                      for role in roles.SURFACE_ROLES.values() for args in ("nulls", "foreign_ids")]
    return cells


def storage_cells(bucket_ids: list[str]) -> list[Cell]:
    return [Cell("storage", b, role, op, scope, *roles.storage_expectation(b, op, role, scope))
            for b in bucket_ids for role in roles.SURFACE_ROLES.values() for op in COMMANDS for scope in STORAGE_SCOPES]


READS = ("GET /v1/parts/{id}/stock", "GET /v1/parts/{id}/transactions", "GET /v1/storage/documents/{path}")


def api_cells() -> list[Cell]:
    """Every action and read x role with another yacht's ids, and every action's effects on
    its own yacht (ledger rows of §7's types, exactly one audit row)."""
    cells = []
    for role in roles.SURFACE_ROLES.values():
        for action in roles.ACTIONS:
            outcome, status, rule = roles.api_expectation(role, action)
            cells.append(Cell("api", f"POST {action}", role, "foreign_ids", "foreign", outcome, rule,
                              extra={"status": status, "action": action}))
        for read in READS:
            outcome, status, rule = roles.api_expectation(role, None)
            cells.append(Cell("api", read, role, "foreign_ids", "foreign", outcome, rule, extra={"status": status}))
    for action, types in roles.ACTION_LEDGER_TYPES.items():
        cells.append(Cell("api_effects", f"POST {action}", "lowest allowed tier", "valid", "own", roles.ALLOWED,
                          f"§7: ledger rows {', '.join(types) or 'none'} and one audit row, in one transaction",
                          extra={"action": action, "types": sorted(types)}))
    return cells


def summary(cells: list[Cell]) -> dict:
    out: dict = {}
    for c in cells:
        row = out.setdefault(c.surface, {"cells": 0, "verified": 0, "failed": 0, "observed": 0, "not run": 0})
        row["cells"] += 1
        row[c.verdict] += 1
    return out


def write_matrix(directory: Path, name: str, cells: list[Cell]) -> Path:
    """``surface/<name>.json``: every cell with expectation, outcome and verdict, plus totals."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    rows = [{**{k: v for k, v in asdict(c).items() if k != "extra"}, "verdict": c.verdict} for c in cells]
    path.write_text(json.dumps({"summary": summary(cells), "cells": rows}, indent=1, default=str))
    return path
