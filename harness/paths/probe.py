"""Run one generated call the PostgREST way and record what it left behind (an Observation).

Each call runs in a savepoint of the caller's transaction that is always rolled back: the role
switch and claims go in a nested savepoint released into it (so its writes are visible), then
the owner reads every row of both yachts, the storage objects under their prefixes and
``check_inventory_drift()``.  Nothing commits, so this also runs on a verify-only DSN, and two
worlds are two such runs on one connection, before and after planting the other yacht's rows.

Deferred constraints are what a commit would check, so they are checked after each call, inside
its savepoint and under its role and claims (PostgREST commits that way): a violation is a call
refused at commit, its effects rolled back.  Checks the owner's setup left pending (world B, the
factory) are fired first as the owner (``settle``), or they would fire under the caller's claims.
"""
from __future__ import annotations

import json
import uuid

import asyncpg

from harness.oracles.observation import Observation, Outcome, Rows
from harness.paths.catalog import Path


def _key(table: str, row: dict) -> tuple[str, str]:
    return table, str(row.get("id") or row.get("stock_id") or json.dumps(row, sort_keys=True))


class Probe:
    """Calls and snapshots on one owner connection already inside a transaction."""

    def __init__(self, conn: asyncpg.Connection, yachts: list[uuid.UUID], tables: list[str]):
        self.conn, self.yachts = conn, yachts
        parts = [f"SELECT '{t}', to_jsonb(x) FROM public.{t} x WHERE x.yacht_id = ANY($1::uuid[])" for t in tables]
        parts += [("SELECT 'storage.objects', to_jsonb(o) FROM storage.objects o "
                   "WHERE split_part(o.name, '/', 1) = ANY($1::uuid[]::text[])"),
                  ("SELECT 'check_inventory_drift()', to_jsonb(d) FROM public.check_inventory_drift() d "
                   "WHERE d.yacht_id = ANY($1::uuid[])")]
        self.snapshot_sql = " UNION ALL ".join(parts)
        self.calls = 0
        self.deferred: str | None = None

    async def settle_sql(self) -> str:
        if self.deferred is None:
            self.deferred = await initially_deferred(self.conn)
        return settle_sql(self.deferred)

    async def snapshot(self) -> Rows:
        rows = await self.conn.fetch(self.snapshot_sql, self.yachts)
        return {_key(t, r): r for t, r in ((rec[0], json.loads(rec[1])) for rec in rows)}

    async def observe(self, path: str, args: tuple, actor: str, before: Rows, sql: str, params: tuple,
                      claims: dict | None, role: str = "authenticated") -> Observation:
        """``sql`` as ``role`` with ``claims`` (PostgREST's SET LOCAL ROLE + request.jwt.claims),
        then the owner's snapshot, then everything rolled back.  The switches travel batched in
        one simple query each way: a run makes hundreds of calls and round trips dominate."""
        self.calls += 1
        text = "" if claims is None else json.dumps(claims).replace("'", "''")
        await self.conn.execute(f"{await self.settle_sql()}; SAVEPOINT lens_observe; SAVEPOINT lens_call; "
                                f"SET LOCAL ROLE {role}; SELECT set_config('request.jwt.claims', '{text}', true)")
        try:
            try:
                status, rows = await _fetch(self.conn, sql, params)
                await self.conn.execute("SAVEPOINT lens_commit; SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK TO "
                                        "SAVEPOINT lens_commit; RELEASE SAVEPOINT lens_commit; RELEASE SAVEPOINT lens_call")
                outcome = Outcome(value=rows if rows is not None else status)
            except asyncpg.PostgresError as exc:
                outcome = Outcome(sqlstate=exc.sqlstate, message=str(exc))
                await self.conn.execute("ROLLBACK TO SAVEPOINT lens_call; RELEASE SAVEPOINT lens_call")
            except (asyncpg.DataError, ValueError) as exc:   # refused by a parameter's type before the call
                outcome = Outcome(sqlstate="client", message=str(exc).split("\n")[0])
                await self.conn.execute("ROLLBACK TO SAVEPOINT lens_call; RELEASE SAVEPOINT lens_call")
            await self.conn.execute("RESET ROLE; SELECT set_config('request.jwt.claims', '', true)")
            return Observation(path, args, actor, outcome, before, await self.snapshot())
        finally:
            await self.conn.execute("ROLLBACK TO SAVEPOINT lens_observe; RELEASE SAVEPOINT lens_observe")


async def initially_deferred(conn: asyncpg.Connection) -> str:
    """The constraints declared INITIALLY DEFERRED, as a SET CONSTRAINTS list ('' when none)."""
    return await conn.fetchval(
        "SELECT coalesce(string_agg(DISTINCT format('%I.%I', n.nspname, c.conname), ', '), '') "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.condeferred")


def settle_sql(deferred: str) -> str:
    """Fire every pending deferred check now, as the current role, then restore each
    constraint's declared timing (``SET CONSTRAINTS ALL DEFERRED`` would also defer those
    declared INITIALLY IMMEDIATE)."""
    return "SET CONSTRAINTS ALL IMMEDIATE" + (f"; SET CONSTRAINTS {deferred} DEFERRED" if deferred else "")


async def settle(conn: asyncpg.Connection) -> None:
    await conn.execute(settle_sql(await initially_deferred(conn)))


async def _fetch(conn, sql: str, params: tuple) -> tuple[str, list | None]:
    """A SELECT answers its rows (as JSON values); any other statement its row count."""
    if sql.lstrip().upper().startswith("SELECT"):
        return "", [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in await conn.fetch(sql, *params)]
    status = await conn.execute(sql, *params)
    return status.split()[-1], None


def function_sql(path: Path) -> str:
    """Any function called with text parameters cast to its own types (NULL stays NULL)."""
    marks = ", ".join(f"${i}::text::{t}" for i, t in enumerate(path.arg_types, 1))
    return f'SELECT to_jsonb(r)::text FROM public."{path.name}"({marks}) AS r'


def read_sql(relation: str) -> str:
    return (f"SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]')::text "
            f"FROM public.{relation} x")


def relation(table: str) -> str:
    """Public tables go by their bare names; others (``storage.objects``) qualified."""
    return table if "." in table else f"public.{table}"


def insert_sql(table: str, columns: list[str]) -> str:
    """A row given as JSON, written with exactly ``columns`` (what a client names in its POST;
    the others take their defaults)."""
    cols, rel = ", ".join(f'"{c}"' for c in columns), relation(table)
    return f"INSERT INTO {rel} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{rel}, $1::jsonb)"
