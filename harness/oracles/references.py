"""CONTRACT §11.1, no row references another yacht's row: a row a call added or changed holds no
id of a row of another yacht, in any column.

A foreign key only says the row exists somewhere, and a column may have none at all (a uuid a
later migration adds); the insert paths offer each reference column the id of a phantom row
that exists, on the other yacht, in world B only.  Where world A refuses the unknown id and
world B the foreign one alike, non-interference holds; where both accept it, only this oracle
sees the row pointing across tenants.  It reads the ids, not the schema: whatever column holds
another yacht's row id is a reference to it.
"""
from __future__ import annotations

from harness.oracles.observation import Observation, delta


def judge(obs: Observation) -> list[str]:
    owner = {key.lower(): str(row["yacht_id"]) for (table, key), row in obs.after.items()
             if row.get("yacht_id") and "(" not in table}
    lines = []
    added, changed, _ = delta(obs.before, obs.after)
    for table, key in (*added, *changed):
        row = obs.after[(table, key)]
        yacht = str(row.get("yacht_id"))
        if not row.get("yacht_id") or "(" in table:   # a storage object's tenant is its path; a function's rows
            continue
        for col, value in row.items():
            other = owner.get(value.lower()) if isinstance(value, str) and col not in ("id", "yacht_id") else None
            if other is not None and other != yacht:
                lines.append(f"references: {obs.where()} -> {obs.outcome.show()}; wrote {table}.{col} = {value}, "
                             f"a row of another yacht, in row {key}")
    return lines
