"""CONTRACT §11.1 from the other side, tenants cannot affect each other: a call made for one
yacht adds, changes and removes no row of another yacht, and no storage object under another
yacht's prefix.

Non-interference compares what the caller *sees* in two worlds; a write that reaches across
tenants may show the caller nothing at all — a definer trigger that renames every yacht's rows
matching a name, a backfill-style RPC with no yacht filter.  The other yacht then observes the
caller's data, which is the same leak read the other way round.  World B plants the other
yacht's colliding, connected copies, so a write keyed on a name, a number or a join meets them.
"""
from __future__ import annotations

from harness.oracles.observation import Observation, delta

STORAGE = "storage.objects"


def judge(obs: Observation, yacht: str) -> list[str]:
    """``yacht``: the caller's (every generated call is made by a user of the own yacht, a
    stranger or ``anon``, none of whom may write another yacht's rows)."""
    lines = []
    for kind, keys in zip(("added", "changed", "removed"), delta(obs.before, obs.after)):
        for table, key in keys:
            if "(" in table:   # a function's answer, not a row
                continue
            row = obs.after.get((table, key)) or obs.before[(table, key)]
            tenant = str(row.get("name", "")).split("/", 1)[0] if table == STORAGE else row.get("yacht_id")
            if tenant and str(tenant).lower() != yacht.lower():
                lines.append(f"containment: {obs.where()} -> {obs.outcome.show()}; {kind} {table} row {key} "
                             f"of another yacht ({tenant})")
    return lines
