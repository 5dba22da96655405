"""CONTRACT §11.2, the trail is immutable: every ledger and audit row that existed before a call
is byte-identical after it (a definer function that edits the caller's own ledger notes is a
path like any other)."""
from __future__ import annotations

import json

from harness.oracles.observation import Observation

TRAIL = ("pms_inventory_transactions", "pms_audit_log")


def judge(obs: Observation) -> list[str]:
    lines = []
    for (table, key), row in obs.before.items():
        if table in TRAIL and obs.after.get((table, key)) != row:
            now = obs.after.get((table, key))
            changed = "deleted" if now is None else json.dumps(
                {c: [row.get(c), now.get(c)] for c in now if now.get(c) != row.get(c)}, default=str)
            lines.append(f"immutability: {obs.where()} -> {obs.outcome.show()}; {table} row {key} {changed}")
    return lines
