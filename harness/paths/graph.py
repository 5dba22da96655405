"""A yacht's rows as a graph, by value: a row references another when one of its columns holds
that row's id, declared as a foreign key or not.

Copies of a yacht's rows are only as good as their edges: a stock row copied while still
pointing at the original part (which the copy's world then deactivates) is a part nobody stocks,
so a join or an aggregate across yachts never met the other yacht's data (red team round 5: a
definer aggregate over parts and their stock, fleet-wide).  World B (harness/paths/worlds.py)
and the data written after each migration (harness/populated.py) copy referenced rows first and
point each copy's references at the copies.
"""
from __future__ import annotations

import json

#: Columns that are never an edge to another row of the graph: the row's own id and its tenant.
NOT_EDGES = ("id", "yacht_id")


def owners(rows: dict[str, list[dict]]) -> dict[str, str]:
    """id (lower-case text) -> the table of the row that has it."""
    return {str(r["id"]).lower(): table for table, rs in rows.items() for r in rs if r.get("id") is not None}


def referenced_first(rows: dict[str, list[dict]], owner: dict[str, str]) -> list[str]:
    """The tables of ``rows``, each after every table its rows reference (a cycle is cut where
    it closes: that edge keeps its original target)."""
    needs = {t: {owner[str(v).lower()] for r in rs for c, v in r.items()
                 if c not in NOT_EDGES and isinstance(v, str) and str(v).lower() in owner} - {t}
             for t, rs in rows.items()}
    order: list[str] = []

    def visit(table: str, path: tuple) -> None:
        if table in order or table in path:
            return
        for dep in sorted(needs.get(table, ())):
            visit(dep, (*path, table))
        order.append(table)
    for table in rows:
        visit(table, ())
    return order


def hubs(rows: dict[str, list[dict]]) -> dict[str, dict]:
    """Per table, its most connected live row: referenced by the most rows (a part that is
    stocked and booked before a part nobody stocks).  World B mirrors these, so the mirror of a
    part is stocked at the mirror of its location, as the own part is."""
    edges = [str(v).lower() for rs in rows.values() for r in rs for c, v in r.items()
             if c not in NOT_EDGES and isinstance(v, str)]
    count = {i: edges.count(i) for i in owners(rows)}
    return {t: min(rs, key=lambda r: (r.get("deleted_at") is not None, -count.get(str(r.get("id")).lower(), 0),
                                      json.dumps(r, sort_keys=True)))
            for t, rs in rows.items() if rs}


def connect(row: dict, owner: dict[str, str], copies: dict[str, str], keep: tuple = ()) -> dict:
    """``row`` with each reference to a row of a table that has a copy (``copies``: table ->
    the copy's id) pointing at that copy; the columns in ``keep`` (those naming a user: a
    person is not copied) as they are."""
    out = dict(row)
    for col, value in row.items():
        table = (owner.get(str(value).lower()) if col not in (*NOT_EDGES, *keep) and isinstance(value, str)
                 else None)
        if table in copies:
            out[col] = copies[table]
    return out
