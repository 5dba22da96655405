"""CONTRACT §5/§7, a movement needs its tier and its signature on every path: each ledger row a
call added is of a type the caller's role may book (the tier of the §7 action that books it),
and a type §7 books only signed carries a signature naming the caller.  Whatever booked it — a
direct insert, a stock function, a definer RPC a later migration adds ("undo my last entry") —
the row is judged, not the path, so a new function is held to the rule without being listed."""
from __future__ import annotations

import json

from harness import roles
from harness.oracles.observation import Observation, delta

#: Types §7 books only with a signature (the actions that always sign).
SIGNED_TYPES = frozenset(t for action, types in roles.ACTION_LEDGER_TYPES.items()
                         if roles.ACTIONS[action].signature == "always" for t in types)


def judge(obs: Observation, role: str, caller: str) -> list[str]:
    added, _, _ = delta(obs.before, obs.after)
    lines = []
    for table, key in added:
        row = obs.after[(table, key)]
        kind = row.get("transaction_type") if table == roles.LEDGER_TABLE else None
        if kind is None:
            continue
        tier = roles.FUNCTION_TYPE_TIER.get(kind)
        if tier is None or role not in roles.TIER_ROLES[tier]:
            lines.append(f"movements: {obs.where()} booked a '{kind}' row ({key}) as {role}; §7 books it "
                         f"with the tier {tier.name.lower() if tier else 'of no action'}")
        signature = row.get("signature")
        signature = json.loads(signature) if isinstance(signature, str) else signature
        if kind in SIGNED_TYPES and not (isinstance(signature, dict) and str(signature.get("user_id")) == caller):
            lines.append(f"movements: {obs.where()} booked a '{kind}' row ({key}) without the caller's signature "
                         f"(§7 signs every {kind}): {json.dumps(signature, default=str)[:120]}")
    return lines
