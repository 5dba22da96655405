"""World B's rows that would reorder a ranking: the own yacht's busiest history under the name of
its quietest row, on the other yacht.

Non-interference compares the order of rows where the system defines it (harness/oracles/
noninterference.py), but an order only moves when world B changes what it ranks by.  A list
ranked by the fleet's usage, stock or bookings of the same name or number (most used first) puts
the own yacht's busiest row on top in both worlds if world B merely adds to that row.  So, per
per-yacht table, world B also holds a copy of the own yacht's *least* connected live row (its
texts, so it shares the quiet row's name and number), and copies of the rows that reference the
own *most* connected row, pointing at that copy (and at world B's mirror copies for their other
references): whatever a ranking counts or sums, the quiet row's name now has the busy row's
history on the other yacht.
"""
from __future__ import annotations

import json
import uuid

import asyncpg

from harness.paths import catalog, graph
from harness.paths.values import phantom_id
from harness.paths.worlds import EVERY, insert_copy, rows_by_table

#: Rows of history copied per table and step away from the busy row: enough to outrank it.
HISTORY = 6
#: Copies of each row of history: a count or a sum of it then outranks the busy row's own.
REPEAT = 3
#: Steps of history: what references the busy row, what references those, and so on.
DEPTH = 3


def _quietest(rows: list[dict], owner: dict[str, str], everything: dict[str, list[dict]]) -> dict | None:
    """The live row referenced by the fewest rows (ties by content), or None."""
    edges = [str(v).lower() for rs in everything.values() for r in rs for c, v in r.items()
             if c not in graph.NOT_EDGES and isinstance(v, str)]
    live = [r for r in rows if r.get("deleted_at") is None and r.get("id") is not None]
    return min(live, key=lambda r: (edges.count(str(r["id"]).lower()), json.dumps(r, sort_keys=True)), default=None)


async def plant(conn: asyncpg.Connection, yacht: uuid.UUID, tables: list[str], own: uuid.UUID) -> int:
    """On ``yacht`` (world B, after worlds.plant), per table: the quiet row's copy and the busy
    row's history pointing at it (module docstring): the rows referencing the busy row, then the
    rows referencing those (a ledger row names its stock row, which names the part), each copy
    pointing at the copies.  Returns the rows planted; a copy the tables refuse is left out."""
    everything = await rows_by_table(conn, tables, own, limit=EVERY)
    owner, busy, users = graph.owners(everything), graph.hubs(everything), await catalog.user_columns(conn, tables)
    mirrors = {t: str(phantom_id(t, yacht)) for t in tables}   # world B's copies holding own texts
    copies = (mirrors, {t: str(phantom_id(t, own)) for t in tables})   # ... and those colliding: two
    planted = 0
    for table in tables:
        quiet = _quietest(everything[table], owner, everything)
        if quiet is None or busy.get(table) is None or quiet["id"] == busy[table]["id"]:
            continue
        copy = graph.connect({**quiet, "id": str(uuid.uuid4()), "yacht_id": str(yacht)}, owner, mirrors,
                             users.get(table, ()))
        if not await insert_copy(conn, table, copy):
            continue
        planted += 1
        moved = {str(busy[table]["id"]).lower(): copy["id"]}
        frontier = set(moved)
        for _ in range(DEPTH):
            reached = set()
            for child, rows in everything.items():
                keep = users.get(child, ())
                history = [r for r in rows if str(r.get("id")).lower() not in moved and any(
                    c not in (*graph.NOT_EDGES, *keep) and str(v).lower() in frontier for c, v in r.items())]
                for n, row in enumerate(r for r in history[:HISTORY] for _ in range(REPEAT)):
                    new = {c: moved.get(str(v).lower(), v) if c not in (*graph.NOT_EDGES, *keep) else v
                           for c, v in row.items()} | {"id": str(uuid.uuid4()), "yacht_id": str(yacht)}
                    if await insert_copy(conn, child, graph.connect(new, owner, copies[n // REPEAT % 2], keep)):
                        planted += 1
                        moved.setdefault(str(row["id"]).lower(), new["id"])
                        reached.add(str(row["id"]).lower())
            frontier = reached
    return planted

