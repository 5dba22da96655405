"""The calls of one actor over every path, and world B: the other yacht holding colliding rows.

World B plants, as the owner, copies of a row of every per-yacht table on the other yacht:
one with the table's phantom id and the collision literal in every text column (in its unique
text columns only, when a CHECK refuses that), one with the own yacht's texts.  The calls pass
those ids and texts, so in world A they name nothing of the other yacht and in world B one of
its live rows: a tenant whose observations change has observed the other yacht (a lookup that
skips deactivated rows is a lookup too, red team round 4, 02).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace

import asyncpg

from harness import batch
from harness.paths import catalog, graph, signs, statuses
from harness.paths.catalog import Path
from harness.oracles.observation import delta
from harness.db import literal
from harness.paths.probe import (FIRST_CALL, NEW, function_sql, initially_deferred, insert_sql, read_sql, relation,
                                 settle, settle_sql)
from harness.paths.values import COLLIDE, Pool, examples, phantom_id, update_values


#: Enough rows to read a test yacht whole.
EVERY = 10_000


@dataclass(frozen=True)
class Call:
    path: str
    args: tuple
    sql: str
    params: tuple
    kind: str
    setup: Call | None = None   # run first as the owner, in the same rollback (probe.observe_all)


async def rows_of(conn: asyncpg.Connection, table: str, yacht: uuid.UUID, limit: int = 1) -> list[dict]:
    """Up to ``limit`` rows of ``yacht`` (for storage: objects under its prefix), as JSON."""
    return (await rows_by_table(conn, [table], yacht, limit))[table]


async def rows_by_table(conn: asyncpg.Connection, tables: list[str], yacht: uuid.UUID, limit: int = 1) -> dict[str, list[dict]]:
    """``rows_of`` for every table of ``tables``, in one round trip."""
    def rows(table: str) -> str:
        mine = "split_part(t.name, '/', 1) = $1" if table == "storage.objects" else "t.yacht_id::text = $1"
        return (f"SELECT to_jsonb(t), row_number() OVER (ORDER BY to_jsonb(t)::text) FROM {relation(table)} t "
                f"WHERE {mine} ORDER BY 2 LIMIT {limit}")
    return await per_table(conn, tables, rows, str(yacht))


async def per_table(conn: asyncpg.Connection, tables: list[str], select, *args) -> dict[str, list]:
    """Per table, the values of the query ``select(table)`` (a value and its rank) in rank order,
    as JSON: every table's in one round trip (a read per table and side was most of the §11
    fixture's round trips on a remote server, docs/REMOTE.md)."""
    if not tables:
        return {}
    found = dict(await conn.fetch(" UNION ALL ".join(
        f"SELECT {n}, coalesce((SELECT jsonb_agg(q.v ORDER BY q.o) FROM ({select(table)}) q(v, o)), '[]')::text"
        for n, table in enumerate(tables)), *args))
    return {table: json.loads(found[n]) for n, table in enumerate(tables)}


async def insert_copy(conn: asyncpg.Connection, table: str, row: dict, keep: bool = True) -> bool:
    """Insert ``row`` as the owner (``keep=False``: only try, then undo it); False when a
    constraint refuses it, now or at commit (nothing left behind, no check left pending).
    One message on success, two on a refusal: world B plants hundreds of rows, and each
    round trip counts on a remote server (docs/REMOTE.md)."""
    nested = conn.is_in_transaction()   # else a transaction of its own (a committed world B)
    begin, done, undo = (("SAVEPOINT lens_copy", "RELEASE SAVEPOINT lens_copy",
                          "ROLLBACK TO SAVEPOINT lens_copy; RELEASE SAVEPOINT lens_copy") if nested
                         else ("BEGIN", "COMMIT", "ROLLBACK"))
    try:
        await conn.execute(f"{begin}; {insert_sql(table, list(row), literal(json.dumps(row)))}; "
                           f"{settle_sql(await initially_deferred(conn))}; {done if keep else undo}")
        return True
    except asyncpg.PostgresError:
        await conn.execute(undo)
        return False


async def plant(conn: asyncpg.Connection, yacht: uuid.UUID, tables: list[str], unique_text: dict,
                salt: uuid.UUID, prefixes: list[str] = ()) -> list[str]:
    """World B: copy a row of each table onto ``yacht``: under its phantom id with the collision
    literal in every text column a constraint lets hold it (its unique text columns at least),
    and under a second id with the texts of the own yacht's most connected row (``salt``); then
    deactivate the yacht's other live rows (``deleted_at``), the copies stay live.  Each set of copies is a
    connected graph (harness/paths/graph.py): referenced tables are copied first and a copy's
    references point at the copies (a stock copy at the part copy and the location copy, a
    ledger copy at the stock copy), so a join across yachts meets the other yacht's live data.
    One more copy per ``prefixes`` literal (the defaults and compared literals of the functions'
    text parameters) holds ``<literal>-<collision>`` in its texts: a count of rows whose name
    starts with what a call passes (``LIKE p_prefix || '-%'``) meets the other yacht's.
    And one more per value each status-like column can hold (harness/paths/statuses.py): a
    policy or function that lets the other yacht's rows through for one status value meets one.
    Returns the tables planted (a copy a constraint refuses is left out)."""
    planted, ids, texts = [], [], await catalog.text_columns(conn, tables)
    held = await statuses.by_column(conn, tables)
    everything = await rows_by_table(conn, tables, yacht, limit=EVERY)
    found = {t: rows[:3] for t, rows in everything.items()}   # a deactivated row's copy is refused
    owner = graph.owners(everything)
    mirror, users = await mirrored(conn, tables, salt), await catalog.user_columns(conn, tables)
    collided: dict[str, str] = {}
    mirrors: dict[str, str] = {}
    for table in graph.referenced_first(found, owner):
        keep = users.get(table, ())
        for row in found[table]:
            row = graph.connect(row, owner, collided, keep) | ({"id": str(phantom_id(table, salt))} if "id" in row else {})
            unique = {c: COLLIDE for c in unique_text.get(table, ())}
            collide = await _widest(conn, table, {**row, **unique}, texts[table], COLLIDE)
            if await insert_copy(conn, table, collide):
                planted.append(table)
                own = mirror.get(table, {})
                copy = graph.connect({**collide, **{c: own[c] for c in texts[table] if own.get(c) is not None}},
                                     owner | {v: t for t, v in collided.items()}, mirrors, keep)
                if "id" in row:
                    copy["id"] = collided[table] = str(phantom_id(table, salt))
                    copy["id"] = str(phantom_id(table, yacht))
                if await insert_copy(conn, table, copy) and "id" in row:
                    mirrors[table] = copy["id"]
                ids += [phantom_id(table, salt), phantom_id(table, yacht)]
                ids += await _in_every_status(conn, table, collide, held.get(table, {}), unique_text.get(table, ()), salt)
                for n, prefix in enumerate(prefixes if texts[table] else ()):
                    fresh = {**collide, **({"id": str(phantom_id(table, uuid.uuid5(salt, f"prefix/{n}")))} if "id" in row else {})}
                    if await insert_copy(conn, table, await _widest(conn, table, fresh, texts[table], f"{prefix}-{COLLIDE}")):
                        ids += [fresh["id"]] if "id" in row else []
                break
    for table in await _soft_deletable(conn, tables):
        async with conn.transaction():
            await conn.execute(f"UPDATE public.{table} SET deleted_at = now() WHERE yacht_id = $1 "
                               "AND deleted_at IS NULL AND NOT id = ANY($2::uuid[])", yacht, ids)
            await settle(conn)
    return planted


async def _in_every_status(conn: asyncpg.Connection, table: str, row: dict, held: dict[str, list], unique: tuple,
                           salt: uuid.UUID) -> list[uuid.UUID]:
    """Copies of ``row`` (the collision copy) with one status-like column in one value each, its
    unique texts told apart; the ids of those the tables accept."""
    ids = []
    for column, value in ((c, v) for c, vs in held.items() for v in vs if str(row.get(c)).lower() != v.lower()):
        key = uuid.uuid5(salt, f"status/{table}/{column}/{value}")
        copy = {**row, **{c: f"{value}-{COLLIDE}" for c in unique}, column: value} | ({"id": str(key)} if "id" in row else {})
        if await insert_copy(conn, table, copy) and "id" in row:
            ids.append(key)
    return ids


def prefixes(paths: list[Path], most: int = 8) -> list[str]:
    """The literals functions decide text parameters on (declared defaults, compared values),
    each once, at most ``most``: what world B's prefixed copies start with."""
    found = [lit for p in paths if p.kind == "function"
             for t, lits in zip(p.arg_types, p.arg_literals or ()) if t in ("text", "character varying") for lit in lits]
    return [lit for lit in dict.fromkeys(found) if lit][:most]


async def mirrored(conn: asyncpg.Connection, tables: list[str], yacht: uuid.UUID) -> dict[str, dict]:
    """Per table, the row of ``yacht`` whose texts world B's mirror copy holds (graph.hubs)."""
    return graph.hubs(await rows_by_table(conn, tables, yacht, limit=EVERY))


async def _widest(conn: asyncpg.Connection, table: str, row: dict, columns: tuple, value: str) -> dict:
    """``row`` with ``value`` in as many of ``columns`` as its constraints accept: all at once,
    else one at a time (a CHECK on a type or status column refuses only that one)."""
    if await _fits(conn, table, {**row, **{c: value for c in columns}}):
        return {**row, **{c: value for c in columns}}
    for c in columns:
        if row.get(c) != value and await _fits(conn, table, {**row, c: value}):
            row = {**row, c: value}
    return row


async def _fits(conn: asyncpg.Connection, table: str, row: dict) -> bool:
    return await insert_copy(conn, table, row, keep=False)


async def _soft_deletable(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    rows = await conn.fetch("SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                            "AND c.relname = ANY($1::text[]) AND a.attname = 'deleted_at' AND NOT a.attisdropped "
                            "ORDER BY 1", tables)
    return [r["relname"] for r in rows]


def labels(snapshot: dict, own: uuid.UUID, foreign: uuid.UUID) -> dict[str, str]:
    """A stable name for every id of both yachts and every phantom id (``own:pms_parts#0``,
    ``phantom:pms_parts``), so observations compare across worlds."""
    out: dict[str, str] = {}
    tables = {table for table, _ in snapshot}
    for (table, key), row in snapshot.items():
        side = "own" if str(row.get("yacht_id")) == str(own) else "foreign"
        out.setdefault(key.lower(), f"{side}:{table}#{sum(v.startswith(f'{side}:{table}#') for v in out.values())}")
    out |= {str(phantom_id(t, own)): f"phantom:{t}" for t in tables}
    return out | {str(own): "own yacht", str(foreign): "foreign yacht"}


async def _columns(conn: asyncpg.Connection, table: str, which: str) -> list[str]:
    """The columns of ``table`` that are ``which`` (``insertable`` by ``authenticated``, or
    ``optional``: nullable without a default), in order: one catalog read for every public table,
    once per database (harness/batch.py), not one per table and actor."""
    rows = await batch.catalog(
        conn, "SELECT c.relname, a.attname, a.attgenerated = '' AND has_column_privilege('authenticated', c.oid, "
        "a.attname, 'INSERT'), NOT a.attnotnull AND NOT a.atthasdef FROM pg_attribute a JOIN pg_class c ON "
        "c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum")
    column = {"insertable": 2, "optional": 3}[which]
    return [r[1] for r in rows if r[0] == table and r[column]]


async def insertable_columns(conn: asyncpg.Connection, table: str) -> list[str]:
    return await _columns(conn, table, "insertable")


def update_sql(table: str, column: str, type_: str) -> str:
    return f'UPDATE public.{table} SET "{column}" = $2::text::{type_} WHERE id = $1::uuid'


def delete_sql(table: str) -> str:
    return f"DELETE FROM public.{table} WHERE id = $1::uuid"


def columns_read_sql(relation: str, columns: list[str]) -> str:
    """``read_sql`` over only ``columns`` (what a column grant lets a role read)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    return (f"SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]')::text "
            f"FROM (SELECT {cols} FROM public.{relation}) x")


async def calls_for(conn: asyncpg.Connection, paths: list[Path], pool: Pool, budget: int,
                    user_columns: dict, unique_text: dict, states: dict | None = None) -> list[Call]:
    """Every path as one actor: reads, each function's examples, an insert of a copy of an own
    row (colliding text, user columns naming the caller, then a colleague), each updatable
    column of an own row set alone to each of its candidates (and of the row world B mirrors to
    the first: a write keyed on its texts meets the other yacht's copy), a DELETE of an own row and of the
    phantom one, storage writes; then the calls on own rows again with the row in each other
    state its table allows (``states``, catalog.state_changes)."""
    calls = await _plain_calls(conn, paths, pool, budget, user_columns, unique_text)
    return calls + in_other_states(calls, pool, states or {})


def in_other_states(calls: list[Call], pool: Pool, states: dict) -> list[Call]:
    """The first call of each function, UPDATE and DELETE path that names an own row of a table
    with other states (for a function also with each other parameter left out, NULL, alone: a
    signature omitted), once per state, the row put in it first (as the owner, inside the
    call's rollback): a deactivated part, a stock row with none on hand.  What a call may do to
    a row in one state it may not do in another (reactivation unsigned) is out of reach of
    calls on the rows as they are."""
    table_of = {str(i): t for t, ids in pool.own.items() for i in ids}
    out, seen = [], set()
    for call in calls:
        at = [(n, table_of[a]) for n, a in enumerate(call.params) if a in table_of and states.get(table_of[a])]
        if not at or call.path in seen or call.kind not in ("function", "update", "delete"):
            continue
        seen.add(call.path)
        (n, table), row = at[0], call.params[at[0][0]]
        omitted = [(call.args, call.params)] + [
            ((*call.args[:j], None, *call.args[j + 1:]), (*call.params[:j], None, *call.params[j + 1:]))
            for j, v in enumerate(call.params) if call.kind == "function" and j != n and v is not None]
        out += [replace(call, args=(*args, f"own {table} row with {state}"), params=params,
                        setup=Call(f"{table} {state}", (), sql, (row,), "update"))
                for state, sql in states[table] for args, params in omitted]
    return out


def second_steps(calls: list[Call], observed: list, pool: Pool, paths: list[Path]) -> list[Call]:
    """Two-step sequences, both steps the caller's, in one rollback: per table, the first call
    that added a row of it and the first that changed an own row of it (as ``observed``, in
    order); then each function's first example naming an own row of that table, once naming the
    row the first call added, once the row it changed, the first call run before it.  What a
    call may do to a row the caller just produced or just put in another state (undo my own
    entry; reactivate what I deactivated) is out of reach of calls on the rows as they are.
    A uuid parameter named after a table whose rows only a first call makes (a table a later
    migration adds, empty until then) names that call's row too."""
    table_of = {str(i): t for t, ids in pool.own.items() for i in ids}
    names = {p.label(): dict(zip(p.arg_names, p.arg_types)) for p in paths if p.kind == "function"}
    added: dict[str, Call] = {}
    changed: dict[str, tuple[Call, str]] = {}
    for call, obs in zip(calls, observed):
        if obs is None or call.kind != "function" or call.setup is not None or obs.outcome.refused:
            continue
        new, moved, _ = delta(obs.before, obs.after)
        for table, _key in new:
            if "(" not in table:   # a function's rows (the drift check) are no table's
                added.setdefault(table, call)
        for table, key in moved:
            if table_of.get(key) == table:
                changed.setdefault(table, (call, key))
    out, seen = [], set()
    for call in calls:
        if call.kind != "function" or call.setup is not None or call.path in seen:
            continue
        params = list(names.get(call.path, {}).items())
        for i, a in enumerate(call.params):
            table = table_of.get(str(a)) or (_named(params[i][0], added) if i < len(params) and params[i][1] == "uuid"
                                             else None)
            firsts = [(added[table], f"{NEW}{table}")] if table in added else []
            firsts += [changed[table]] if table in changed else []
            for first, row in firsts:
                seen.add(call.path)
                setup = replace(first, kind=FIRST_CALL, setup=None)
                shown = f"the {table} row it added" if row.startswith(NEW) else row
                out.append(replace(call, args=(*call.args[:i], shown, *call.args[i + 1:],
                                               f"after {first.path} {list(first.args)}"),
                                   params=call.params[:i] + (row,) + call.params[i + 1:], setup=setup))
    return out


def _named(parameter: str, tables) -> str | None:
    """The table a parameter is named after (``p_hold_id``: ``pms_stock_holds``), if one."""
    return next((t for t in tables if t.rsplit("_", 1)[-1].rstrip("s") in parameter.lower()), None)


async def _plain_calls(conn, paths: list[Path], pool: Pool, budget: int, user_columns: dict,
                       unique_text: dict) -> list[Call]:
    calls, rows = [], await rows_by_table(conn, [p.name for p in paths if p.kind == "insert"], pool.own_yacht, limit=3)
    for p in paths:
        if p.kind == "read":
            calls.append(Call(p.label(), (), read_sql(p.name), (), "read"))
        elif p.kind == "update":
            (column,), (type_,) = p.arg_names, p.arg_types
            settings = update_values(pool, column, type_, user_columns.get(p.name, ()), max(2, budget // 4))
            calls += [Call(p.label(), (f"{which}, {column} = {v}",), update_sql(p.name, column, type_),
                           (str(row), v), "update")
                      for which, row, vs in (("own row", (pool.own.get(p.name) or [None])[0], settings),
                                             ("mirrored own row", pool.mirrored.get(p.name), settings[:1]))
                      if row is not None and (which == "own row" or row not in pool.own[p.name][:1]) for v in vs]
        elif p.kind == "delete":
            calls += [Call(p.label(), (who,), delete_sql(p.name), (str(row),), "delete") for who, row in
                      (("own row", (pool.own.get(p.name) or [None])[0]), ("phantom row", phantom_id(p.name, pool.own_yacht)))
                      if row is not None]
        elif p.kind == "function":
            calls += [Call(p.label(), args, function_sql(p), args, "function")
                      for args in dict.fromkeys([*examples(p, pool, budget), *signs.function_args(p, pool)])]
        elif p.kind == "insert":
            calls += await _inserts(conn, p.name, rows[p.name], pool, user_columns.get(p.name, ()),
                                    unique_text.get(p.name, ()))
        elif p.kind == "storage":
            name = f"{pool.own_yacht}/parts/{COLLIDE}.pdf"
            sql = "INSERT INTO storage.objects (bucket_id, name) VALUES ($1, $2)"
            calls.append(Call(p.label(), (p.name, name), sql, (p.name, name), "insert"))
            calls.append(Call(p.label(), (p.name, name, "owner=colleague"), sql.replace("name)", "name, owner)")
                              .replace("$2)", "$2, $3::uuid)"), (p.name, name, str(pool.colleague)), "insert"))
    return calls


async def optional_columns(conn: asyncpg.Connection, table: str) -> list[str]:
    """The columns of ``table`` that may be NULL and have no default."""
    return await _columns(conn, table, "optional")


async def _inserts(conn, table: str, own_rows: list[dict], pool: Pool, users: tuple, unique: tuple) -> list[Call]:
    """A copy of each of a few own rows (every row, not one picked at random: the ids differ
    per run, the set does not), text of unique columns colliding, user columns naming the
    caller and then a colleague; then the first copy with each reference column in turn naming
    the phantom row of the table it references (unknown in world A, the other yacht's in B)."""
    columns = await insertable_columns(conn, table)
    out = []
    for n, row in enumerate(own_rows if columns else []):
        row.pop("id", None)
        row.update({c: COLLIDE for c in unique})
        for who, uid in (("caller", pool.caller), ("colleague", pool.colleague))[:2 if users else 1]:
            values = {**row, **{c: str(uid) for c in users}}
            cols = [c for c in columns if c in values]
            out.append(Call(f"insert {table}", (f"copy, user columns = {who}",), insert_sql(table, cols),
                            (json.dumps(values),), "insert"))
        if n == 0 and users:
            values = {**row, **{c: 0 for c, v in row.items() if type(v) in (int, float)},
                      **dict.fromkeys(await optional_columns(conn, table)), **{c: str(pool.colleague) for c in users}}
            out.append(Call(f"insert {table}", ("fresh copy (numbers 0), user columns = colleague",),
                            insert_sql(table, [c for c in columns if c in values]), (json.dumps(values),), "insert"))
        if n == 0 and await signs.kind_literals(conn, table):   # each kind with each sign (paths/signs.py)
            mine = {**await _callers_row(conn, table, pool, row), **{c: COLLIDE for c in unique}}
            out += [Call(f"insert {table}", (label,), insert_sql(table, [c for c in columns if c in values]),
                         (json.dumps(values, default=str),), "insert")
                    for label, values in await signs.insert_rows(conn, table, mine, pool, users,
                                                                 await optional_columns(conn, table))]
        for col, ref in references(row, [c for c in columns if c not in users], pool) if n == 0 else ():
            values = {**row, **{c: str(pool.caller) for c in users}, col: str(phantom_id(ref, pool.own_yacht))}
            out.append(Call(f"insert {table}", (f"copy, {col} = phantom:{ref}",),
                            insert_sql(table, [c for c in columns if c in values]), (json.dumps(values),), "insert"))
    return out


async def _callers_row(conn, table: str, pool: Pool, row: dict) -> dict:
    """The own row the pool ranks first (one naming the caller, live), else ``row``."""
    first = (pool.own.get(table) or [None])[0]
    found = first and await conn.fetchval(f"SELECT to_jsonb(t)::text FROM public.{table} t WHERE id = $1", first)
    return json.loads(found) if found else row


def references(row: dict, columns: list[str], pool: Pool) -> list[tuple[str, str]]:
    """(column, referenced table) for each column of ``row`` that references a per-yacht row,
    declared or not: its value is the id of an own row of that table, or, when NULL, its name
    reads as one (``preferred_location_id``)."""
    owner = {str(i): t for t, ids in pool.own.items() for i in ids}
    out = []
    for col in columns:
        value = row.get(col)
        ref = owner.get(str(value).lower()) if value is not None else pool.table_named(col)
        if col not in ("id", "yacht_id") and ref:
            out.append((col, ref))
    return out
