"""Every kind a row can be booked as, with every sign of its amount: §4's type/sign table as
calls, generated from the catalog, so a sign rule loosened anywhere (a CHECK, a trigger, a
function body) meets a row that shows it.

Copies of own rows keep the kind and the sign they were booked with, and a function's examples
vary one parameter at a time, so a kind with the other sign is two changes away and never
tried.  So, per insert path, the caller's own row (its references live) made fresh (optional
columns empty, user columns the caller, a signature column the caller's signature, valid now)
is written once per (text column, literal) a CHECK constraint or an INSERT policy of the table
compares, with its required amounts positive, negative and zero; per function, each literal a
text parameter or jsonb key is compared with is paired with each sign edge of each number.
Nothing here expects an outcome: the quantities oracle judges what was booked.
"""
from __future__ import annotations

import json

import asyncpg

from harness import batch
from harness.paths.catalog import Path
from harness.paths.values import LITERAL, PLAIN, SIGNATURE, Factor, Pool, assemble, factors

#: A number's values that change its sign or empty it (the best guess is positive).
EDGES = ("-1", "0")


async def kind_literals(conn: asyncpg.Connection, table: str) -> list[tuple[str, str]]:
    """(column, literal) for each text column the client may insert that a CHECK constraint or
    an INSERT policy of ``table`` compares with string literals (read once per database)."""
    rows = await batch.catalog(
        conn,
        "WITH rules(expr) AS (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "  WHERE k.conrelid = format('public.%I', $1::text)::regclass AND k.contype = 'c' "
        "  UNION ALL SELECT coalesce(p.with_check, p.qual) FROM pg_policies p "
        "  WHERE p.schemaname = 'public' AND p.tablename = $1 AND p.cmd IN ('INSERT', 'ALL')) "
        "SELECT a.attname::text AS col, r.expr FROM rules r JOIN pg_attribute a "
        "ON a.attrelid = format('public.%I', $1::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) "
        "AND has_column_privilege('authenticated', a.attrelid, a.attname, 'INSERT') "
        "AND r.expr ~ ('\\m' || a.attname || '\\M') ORDER BY 1", table)
    found = {(r["col"], m.replace("''", "'")) for r in rows for m in LITERAL.findall(r["expr"] or "")
             if PLAIN.match(m.replace("''", "'"))}
    return sorted(found)


async def amount_columns(conn: asyncpg.Connection, table: str, row: dict) -> list[str]:
    """The numbers a client must give (NOT NULL, no default), else every number the row holds."""
    rows = await batch.catalog(
        conn,
        "SELECT attname::text, attnotnull AND NOT atthasdef AS required FROM pg_attribute "
        "WHERE attrelid = format('public.%I', $1::text)::regclass AND attnum > 0 AND NOT attisdropped "
        "AND atttypid IN ('integer'::regtype, 'bigint'::regtype, 'smallint'::regtype, 'numeric'::regtype) "
        "ORDER BY attnum", table)
    held = [r["attname"] for r in rows if type(row.get(r["attname"])) in (int, float)]
    return [c for c in held if any(r["required"] and r["attname"] == c for r in rows)] or held


async def insert_rows(conn: asyncpg.Connection, table: str, row: dict, pool: Pool, users: tuple,
                      optional: list[str]) -> list[tuple[str, dict]]:
    """(label, values) per kind literal and sign of the amounts, from the caller's own ``row``."""
    fresh = {**{c: v for c, v in row.items() if c != "id"}, **dict.fromkeys(optional),
             **{c: str(pool.caller) for c in users},
             **{c: pool.signature() for c in row if SIGNATURE.search(c.lower())}}
    amounts = await amount_columns(conn, table, row)
    out = []
    for col, literal in await kind_literals(conn, table):
        for sign in (1, -1, 0):
            values = {**fresh, col: literal, **{a: sign * (abs(row[a]) or 1) for a in amounts}}
            out.append((f"fresh {col} = {literal}, {'/'.join(amounts)} {'+-0'[(1, -1, 0).index(sign)]}", values))
    return out


def function_args(path: Path, pool: Pool) -> list[tuple]:
    """The argument tuples of ``function_rows`` for ``path``."""
    found = factors(path, pool)
    return [assemble(path, found, row) for row in function_rows(found)]


def function_rows(found: list[Factor]) -> list[tuple]:
    """Factor rows at the best guess but a literal a factor is compared with, alone and with
    each sign edge of each number (a parameter or key whose candidates include them)."""
    best = tuple(f.values[0] for f in found)
    numbers = [(j, v) for j, f in enumerate(found) for v in f.values if json.dumps(v).strip('"') in EDGES]
    out = []
    for i, f in enumerate(found):
        for literal in (v for v in f.decided if v in f.values):
            alone = best[:i] + (literal,) + best[i + 1:]
            out.append(alone)
            out += [alone[:j] + (v,) + alone[j + 1:] for j, v in numbers if j != i]
    return out
