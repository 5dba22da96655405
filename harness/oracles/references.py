"""CONTRACT §11.1, no row references another yacht's row: a row a call added or changed holds no
id of a row of another yacht, in any column.

A foreign key only says the row exists somewhere, and a column may have none at all (a uuid a
later migration adds); the insert paths offer each reference column the id of a phantom row
that exists, on the other yacht, in world B only.  Where world A refuses the unknown id and
world B the foreign one alike, non-interference holds; where both accept it, only this oracle
sees the row pointing across tenants.  It reads the ids, not the schema: whatever column holds
another yacht's row id is a reference to it.

A storage object's tenant is the first segment of its name: an object a call added, or whose
name it changed, under a yacht's prefix other than the caller's is written into another
tenant (red team round 5, 12: an own object moved under another yacht's prefix, where that
yacht's crew read it).  The probe's snapshot holds only the two yachts' prefixes.
"""
from __future__ import annotations

from harness.oracles.observation import Observation, delta

STORAGE = "storage.objects"


def judge(obs: Observation, yacht: str) -> list[str]:
    """``yacht``: the caller's (every generated call is made by a user of the own yacht, a
    stranger or ``anon``, none of whom may write under another prefix)."""
    owner = {key.lower(): str(row["yacht_id"]) for (table, key), row in obs.after.items()
             if row.get("yacht_id") and "(" not in table}
    lines = []
    added, changed, _ = delta(obs.before, obs.after)
    for table, key in (*added, *changed):
        row = obs.after[(table, key)]
        prefix = str(row.get("name", "")).split("/", 1)[0]
        if table == STORAGE and prefix.lower() != yacht.lower():
            lines.append(f"references: {obs.where()} -> {obs.outcome.show()}; wrote the object {row.get('name')} "
                         f"(bucket {row.get('bucket_id')}) under another yacht's prefix")
        if not row.get("yacht_id") or "(" in table:   # a storage object's tenant is its path; a function's rows
            continue
        for col, value in row.items():
            other = owner.get(value.lower()) if isinstance(value, str) and col not in ("id", "yacht_id") else None
            if other is not None and other != str(row["yacht_id"]):
                lines.append(f"references: {obs.where()} -> {obs.outcome.show()}; wrote {table}.{col} = {value}, "
                             f"a row of another yacht, in row {key}")
    return lines
