"""Every path an API role can reach, read from the target's catalog when the suite runs.

The inventory's cells were written against the objects someone listed; a blind red team got
through with objects a later migration added (a yes/no lookup, a unique index, a policy).  Here
nothing is named: every relation ``authenticated`` may read or write, every function ``anon`` or
``authenticated`` may EXECUTE whatever its name or signature, and every storage bucket is a path.
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from harness import surface


@dataclass(frozen=True)
class Path:
    kind: str                     # read | insert | function | storage
    name: str                     # relation, function or bucket
    arg_names: tuple[str, ...] = ()
    arg_types: tuple[str, ...] = ()
    anon: bool = False

    def label(self) -> str:
        if self.kind == "function":
            return f"{self.name}({', '.join(f'{n} {t}' for n, t in zip(self.arg_names, self.arg_types))})"
        return f"{self.kind} {self.name}"


async def readable_relations(conn: asyncpg.Connection) -> list[str]:
    """Public tables, views and materialized views ``authenticated`` may SELECT."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND has_table_privilege('authenticated', c.oid, 'SELECT') ORDER BY 1")
    return [r["relname"] for r in rows]


async def insertable_tables(conn: asyncpg.Connection) -> list[str]:
    """Per-yacht tables ``authenticated`` may INSERT into (some column at least)."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[]) "
        "AND has_any_column_privilege('authenticated', c.oid, 'INSERT') ORDER BY 1", await surface.yacht_tables(conn))
    return [r["relname"] for r in rows]


async def discover(conn: asyncpg.Connection) -> list[Path]:
    paths = [Path("read", r) for r in await readable_relations(conn)]
    paths += [Path("insert", t) for t in await insertable_tables(conn)]
    for fn in await surface.executable_functions(conn):
        names = await conn.fetchval("SELECT coalesce(proargnames, '{}') FROM pg_proc WHERE oid = $1", fn["oid"])
        types = tuple(fn["types"])
        names = tuple(list(names)[:len(types)]) + tuple(f"${i}" for i in range(len(names) + 1, len(types) + 1))
        paths.append(Path("function", fn["proname"], names, types, fn["anon"]))
    paths += [Path("storage", b) for b in await surface.buckets(conn)]
    return paths


async def user_columns(conn: asyncpg.Connection, tables: list[str]) -> dict[str, tuple[str, ...]]:
    """table -> the columns that name a user: ``user_id``, ``owner``, ``*_by``, or a foreign key to
    the users (auth.users or the profiles).  CONTRACT §11.5: each must be the caller."""
    rows = await conn.fetch(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) "
        "AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype "
        "AND (a.attname IN ('user_id', 'owner') OR a.attname LIKE '%\\_by' OR EXISTS ("
        "  SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY(k.conkey) "
        "  AND k.confrelid IN (to_regclass('auth.users'), to_regclass('public.auth_users_profiles')))) "
        "ORDER BY 1, a.attnum", tables)
    return _by_table(rows, tables)


async def unique_text_columns(conn: asyncpg.Connection, tables: list[str]) -> dict[str, tuple[str, ...]]:
    """table -> text columns a unique index reads (as a key, in an expression such as
    ``lower(name)``, or in its predicate): where one tenant's value can collide with another's
    (CONTRACT §11.1: such an index must include ``yacht_id``)."""
    rows = await conn.fetch(
        "SELECT DISTINCT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        "AND NOT a.attisdropped WHERE i.indisunique AND n.nspname = 'public' AND c.relname = ANY($1::text[]) "
        "AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) "
        "AND (a.attnum = ANY(i.indkey) OR pg_get_indexdef(i.indexrelid) ~ ('\\m' || a.attname || '\\M')) "
        "ORDER BY 1, 2", tables)
    return _by_table(rows, tables)


def _by_table(rows, tables: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {t: () for t in tables}
    for r in rows:
        out[r["relname"]] += (r["attname"],)
    return out
