"""CONTRACT §11.3, every call is all or nothing: a refused or failed call leaves no row and no
stock change; every transfer group holds one out and one in summing to zero; the target's drift
check is empty.  Catches an RPC whose second step fails after its first committed."""
from __future__ import annotations

from collections import defaultdict

from harness.oracles.observation import Observation, delta

LEDGER = "pms_inventory_transactions"
DRIFT = "check_inventory_drift()"


def judge(obs: Observation) -> list[str]:
    lines = []
    added, changed, removed = delta(obs.before, obs.after)
    moved = [k for k in (*added, *changed, *removed) if k[0] != DRIFT]
    if obs.outcome.refused and moved:
        lines.append(f"all-or-nothing: {obs.where()} was refused ({obs.outcome.show()}) yet wrote "
                     f"{sorted(f'{t} {k}' for t, k in moved)[:6]}")
    legs = defaultdict(list)
    for (table, _), row in obs.after.items():
        if table == LEDGER and row.get("transfer_group_id"):
            legs[row["transfer_group_id"]].append(row)
    for group, rows in legs.items():
        kinds = sorted(r["transaction_type"] for r in rows)
        if kinds != ["transferred_in", "transferred_out"] or sum(r["quantity_change"] for r in rows) != 0:
            lines.append(f"all-or-nothing: {obs.where()}: transfer group {group} holds {kinds} "
                         f"summing to {sum(r['quantity_change'] for r in rows)}")
    drift = [row for (table, _), row in obs.after.items() if table == DRIFT]
    if drift and not [row for (table, _), row in obs.before.items() if table == DRIFT]:
        lines.append(f"all-or-nothing: {obs.where()}: check_inventory_drift() reports {drift[:3]}")
    return lines
