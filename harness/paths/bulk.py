"""Every insert path also as one multi-row statement, the way PostgREST sends a bulk insert (a
JSON array, ``json_populate_recordset``).

A rule that holds for each row alone can still be broken by rows that arrive together: rows
that must balance (the two legs of a transfer, checked at commit) and a check written per
statement that looks at one row only.  Single-row inserts never meet either (red team round 5,
20: both legs of a transfer in one statement, unequal, committed).  So per insert path:

- each *group* of own rows, rows sharing a value in a column that names no row (a group id),
  is copied as one statement under a fresh shared value, then again with one number of its
  last row changed (doubled: same sign, no longer balanced) and with its last row under a value
  of its own (each group left unpaired, in one statement);
- a copy of an own row is paired, in one statement, with a second copy that differs in one
  column: a colleague in the user-naming columns, the other yacht in ``yacht_id``, each number
  negated;
- two copies of one own row, of each *kind* of row the yacht holds (rows differing in an
  enumerated value such as a type or status), in one statement: two rows acting on one shared
  row (the same stock row twice) meet a trigger that reads its target before the statement's
  other row moved it.  Kinds, not the first row by id: which kinds a direct insert may book
  decides whether a pair is accepted at all, and ids differ per run (the third lens lost a
  unit this way about one run in three before kinds were drawn).

Nothing here expects an outcome: the oracles judge these calls as any other (all or nothing,
transfer groups pair and sum to zero; attribution; references; movements).
"""
from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict

from harness.paths.catalog import Path
from harness.paths.probe import relation
from harness.paths.values import COLLIDE, Pool, is_uuid
from harness.paths.worlds import Call, insertable_columns, rows_by_table

#: At most this many rows of a group go into one statement (a transfer has two legs).
GROUP_ROWS = 3
#: At most this many kinds of own row are each inserted twice in one statement.
KINDS = 8
#: A value that reads as an enumerated state (``received``, ``in_progress``), not a name or id.
ENUMERATED = re.compile(r"[a-z][a-z0-9_]*")


def bulk_insert_sql(table: str, columns: list[str]) -> str:
    """Rows given as one JSON array, written with exactly ``columns``, in one statement."""
    cols, rel = ", ".join(f'"{c}"' for c in columns), relation(table)
    return f"INSERT INTO {rel} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{rel}, $1::jsonb)"


def _numbers(row: dict) -> list[str]:
    return [c for c, v in row.items() if type(v) in (int, float) and v != 0]


def groups(rows: list[dict], pool: Pool, skip: tuple) -> list[tuple[str, list[dict]]]:
    """(column, rows) for each column whose uuid value is shared by two or more of ``rows`` and
    is no row's id (a group id, not a reference), the first such group per column."""
    ids = {str(i).lower() for side in (pool.own, pool.foreign) for v in side.values() for i in v}
    ids |= {str(pool.own_yacht), str(pool.foreign_yacht), str(pool.caller), str(pool.colleague)}
    shared: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for col, value in row.items():
            if col not in ("id", *skip) and isinstance(value, str) and is_uuid(value) and value.lower() not in ids:
                shared[col][value].append(row)
    return [(col, members[:GROUP_ROWS]) for col, by_value in shared.items()
            for members in list(v for v in by_value.values() if len(v) > 1)[:1]]


def _fresh(rows: list[dict], unique: tuple, users: tuple, caller: uuid.UUID) -> list[dict]:
    """Copies without ids, each unique text column colliding (the first row with world B's
    literal, the others numbered: rows of one statement must not collide with each other),
    the user columns a row fills naming the caller (one left empty stays so: a ``signed_by``
    without its signature is refused for that alone)."""
    out = []
    for n, row in enumerate(rows):
        copy = {c: v for c, v in row.items() if c != "id"}
        copy.update({c: COLLIDE if n == 0 else f"{COLLIDE}-{n}" for c in unique})
        copy.update({c: str(caller) for c in users if row.get(c) is not None})
        out.append(copy)
    return out


def _kind(row: dict) -> tuple:
    """A row's kind: its enumerated and boolean values."""
    return tuple(sorted((c, v) for c, v in row.items()
                        if isinstance(v, bool) or (isinstance(v, str) and ENUMERATED.fullmatch(v))))


def kinds(rows: list[dict]) -> list[dict]:
    """One row of each kind among ``rows``, at most ``KINDS``, in the order of the kinds (the
    same set every run, whatever the ids)."""
    first: dict[tuple, dict] = {}
    for row in rows:
        first.setdefault(_kind(row), row)
    return [first[k] for k in sorted(first, key=repr)][:KINDS]


def variants(rows: list[dict], pool: Pool, users: tuple, unique: tuple) -> list[tuple[str, list[dict]]]:
    """(what, rows of one statement) for the own ``rows`` of a table (module docstring)."""
    out = []
    for col, members in groups(rows, pool, (*users, "yacht_id")):
        legs = _fresh(members, unique, users, pool.caller)
        group = str(uuid.uuid4())
        legs = [{**leg, col: group} for leg in legs]
        out.append((f"{len(legs)} rows of one {col}", legs))
        out.append((f"{len(legs)} rows, the last under another {col}", [*legs[:-1], {**legs[-1], col: str(uuid.uuid4())}]))
        out += [(f"{len(legs)} rows of one {col}, last row's {num} doubled",
                 [*legs[:-1], {**legs[-1], num: legs[-1][num] * 2}]) for num in _numbers(legs[-1])]
    for n, first in enumerate(kinds(rows)):
        a, b = _fresh([first, first], unique, users, pool.caller)
        kind = ", ".join(f"{c}={v}" for c, v in _kind(first) if not isinstance(v, bool)) or "kind of"
        out.append((f"2 rows, copies of one {kind} row", [a, b]))
        if n:
            continue
        changes = [("yacht_id = the other yacht", {"yacht_id": str(pool.foreign_yacht)})] if "yacht_id" in b else []
        changes += [(f"{num} = {-b[num]}", {num: -b[num]}) for num in _numbers(b)]
        named = tuple(c for c in users if b.get(c) is not None) or users
        if named:
            changes.append((f"{', '.join(named)} = a colleague", {c: str(pool.colleague) for c in named}))
        out += [(f"2 rows, the second's {what}", [a, {**b, **change}]) for what, change in changes]
    return out


async def calls(conn, paths: list[Path], pool: Pool, user_columns: dict, unique_text: dict) -> list[Call]:
    """The multi-row statements of every insert path, as one actor (``pool.caller``)."""
    out, inserts = [], [p for p in paths if p.kind == "insert"]
    own = await rows_by_table(conn, [p.name for p in inserts], pool.own_yacht, limit=50)
    for p in inserts:
        columns = await insertable_columns(conn, p.name)
        rows = own[p.name] if columns else []
        for what, batch in variants(rows, pool, user_columns.get(p.name, ()), unique_text.get(p.name, ())):
            cols = [c for c in columns if c in batch[0]]
            out.append(Call(p.label(), (f"bulk: {what}",), bulk_insert_sql(p.name, cols), (json.dumps(batch),), "insert"))
    return out
