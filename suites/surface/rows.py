"""The rows a surface cell writes or changes, made so that only the rule under test can refuse.

An INSERT cell that copies an existing row collides with it on a unique key (the red team's
``quantity >= 0`` stock policy hid behind "duplicate key" on (part, location) for every role),
and an UPDATE tried only on rows somebody else wrote never meets a policy that admits a row's
author (their "notes of your own ledger rows" grant). So: copies get fresh unique keys, and the
rows a role tries to change are first made its own, as the owner, inside the cell's rollback.
"""
from __future__ import annotations

import contextlib
import json
import uuid

import asyncpg

from harness import roles
from harness.batch import catalog
from harness.db import literal

#: Columns that name who wrote a row (the other ``*_by`` columns name a signer or a deleter).
WRITER_COLUMNS = ("user_id", "created_by", "used_by")


async def author_columns(conn, table: str) -> list[str]:
    """Columns of ``table`` that name who wrote a row (``user_id``, ``*_by``)."""
    if table in roles.IDENTITY_TABLES:
        return []
    rows = await catalog(
        conn, "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped "
        "AND atttypid = 'uuid'::regtype AND (attname = 'user_id' OR attname LIKE '%\\_by') ORDER BY attnum",
        f"public.{table}")
    return [r["attname"] for r in rows]


async def make_author(conn, table: str, user_id, *, ctid: str | None = None, yacht=None) -> str | None:
    """As the owner, make ``user_id`` the author of one row (by ``ctid``) or of every row of
    ``yacht``; returns the row's new ctid.  A guard that refuses even the owner leaves the rows
    as they were (the cell then tries somebody else's row, as before)."""
    setup = await author_setup(conn, table, user_id, by_yacht=ctid is None)
    if setup is None:
        return ctid
    with contextlib.suppress(asyncpg.PostgresError):
        async with conn.transaction():
            moved = await conn.fetchval(setup, ctid if ctid is not None else str(yacht))
            return moved if ctid is not None else None
    return ctid


async def author_setup(conn, table: str, user_id, *, by_yacht: bool = False) -> str | None:
    """``make_author``'s statement, also a probe's setup step (harness/batch.Probe): ``$1`` is
    the row's ctid (it returns the new one) or, ``by_yacht``, the yacht (returned as it came);
    None when the table names no author."""
    columns = await author_columns(conn, table)
    if not columns:
        return None
    sets = ", ".join(f'"{c}" = {literal(str(user_id))}::uuid' for c in columns)
    if by_yacht:
        return f"WITH moved AS (UPDATE public.{table} SET {sets} WHERE yacht_id = $1::text::uuid) SELECT $1::text"
    return f"UPDATE public.{table} SET {sets} WHERE ctid = $1::text::tid RETURNING ctid::text"


async def _unique_keys(conn, table: str) -> list[list[tuple[str, str, str | None]]]:
    """Every unique index of ``table`` as [(column, type, referenced table or None)]."""
    rows = await catalog(
        conn, "SELECT i.indexrelid, a.attname, format_type(a.atttypid, NULL) AS type, "
        "  (SELECT c.confrelid::regclass::text FROM pg_constraint c WHERE c.conrelid = i.indrelid "
        "     AND c.contype = 'f' AND c.conkey = ARRAY[a.attnum]::int2[] LIMIT 1) AS refers "
        "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = $1::regclass AND i.indisunique ORDER BY i.indexrelid, k.ord", f"public.{table}")
    keys: dict = {}
    for r in rows:
        keys.setdefault(r["indexrelid"], []).append((r["attname"], r["type"], r["refers"]))
    return list(keys.values())


async def insertable_copy(conn, table: str, row: dict, author=None) -> dict:
    """``row`` with a fresh id and every unique key changed in one column: text gets a suffix,
    a plain uuid a new value, a foreign key a fresh copy of the row it references (inserted by
    the owner on ``conn``, on the same yacht). The yacht itself never changes. With ``author``,
    the columns naming who wrote the row name that user, and a signer or deleter column that is
    set names that user too (§11.5 refuses any other name, which would hide what the table's
    insert rule admits)."""
    copy = dict(row)
    copy.update({k: str(uuid.uuid4()) for k in ("id",) if k in copy})
    if author is not None:
        copy.update({c: str(author) for c in await author_columns(conn, table)
                     if c in WRITER_COLUMNS or copy.get(c) is not None})
    for key in await _unique_keys(conn, table):
        columns = [c for c in key if c[0] not in ("id", "yacht_id") and copy.get(c[0]) is not None]
        if len(columns) < len([c for c in key if c[0] != "yacht_id"]) or not columns:
            continue   # the key holds the new id or a NULL: it cannot collide
        name, kind, refers = next((c for c in columns if c[1] == "text"), None) or \
            next((c for c in columns if c[2] is None), None) or columns[0]
        if kind == "text":
            copy[name] = f"{copy[name]}-{uuid.uuid4().hex[:6]}"
        elif refers is None:
            copy[name] = str(uuid.uuid4())
        else:
            copy[name] = await _fresh_reference(conn, refers, copy[name])
    return copy


async def _fresh_reference(conn, table: str, row_id) -> str:
    table = table.removeprefix("public.")
    original = json.loads(await conn.fetchval(f"SELECT to_jsonb(t) FROM public.{table} t WHERE id = $1",
                                              uuid.UUID(str(row_id))))
    fresh = await insertable_copy(conn, table, original)
    await conn.execute(f"INSERT INTO public.{table} SELECT * FROM jsonb_populate_record(NULL::public.{table}, $1)",
                       json.dumps(fresh))
    return fresh["id"]
