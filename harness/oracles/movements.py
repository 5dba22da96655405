"""CONTRACT §5/§7, a movement needs its tier and its signature on every path: each ledger row a
call added is of a type the caller's role may book (the tier of the §7 action that books it),
and a type §7 books only signed carries a signature naming the caller.  Whatever booked it — a
direct insert, a stock function, a definer RPC a later migration adds ("undo my last entry") —
the row is judged, not the path, so a new function is held to the rule without being listed.
The same for the audit rows a call added: one recording a §7 action (its ``action``) is of an
action the caller's tier may run and, where §7 always signs it, signed by the caller (a part
reactivated unsigned, only reachable from a deactivated part: red team round 5, 40)."""
from __future__ import annotations

import json

from harness import roles
from harness.oracles.observation import Observation, delta

#: Types §7 books only with a signature (the actions that always sign).
SIGNED_TYPES = frozenset(t for action, types in roles.ACTION_LEDGER_TYPES.items()
                         if roles.ACTIONS[action].signature == "always" for t in types)
AUDIT_TABLE = "pms_audit_log"


def judge(obs: Observation, role: str, caller: str) -> list[str]:
    added, _, _ = delta(obs.before, obs.after)
    lines = []
    for table, key in added:
        row = obs.after[(table, key)]
        if table == AUDIT_TABLE and row.get("action") in roles.ACTIONS:
            lines += _action(obs, row, key, role, caller)
        kind = row.get("transaction_type") if table == roles.LEDGER_TABLE else None
        if kind is None:
            continue
        tier = roles.FUNCTION_TYPE_TIER.get(kind)
        if tier is None or role not in roles.TIER_ROLES[tier]:
            lines.append(f"movements: {obs.where()} booked a '{kind}' row ({key}) as {role}; §7 books it "
                         f"with the tier {tier.name.lower() if tier else 'of no action'}")
        if kind in SIGNED_TYPES and not _signed_by(row, caller, role):
            lines.append(f"movements: {obs.where()} booked a '{kind}' row ({key}) without the caller's signature "
                         f"(§7 signs every {kind}): {json.dumps(row.get('signature'), default=str)[:120]}")
    return lines


def _action(obs: Observation, row: dict, key: str, role: str, caller: str) -> list[str]:
    """An audit row recording a §7 action: the caller's tier runs it; signed by the caller if §7
    always signs it."""
    rule, action = roles.ACTIONS[row["action"]], row["action"]
    lines = []
    if role not in roles.TIER_ROLES[rule.tier]:
        lines.append(f"movements: {obs.where()} recorded '{action}' ({key}) as {role}; §7 runs it with the tier "
                     f"{rule.tier.name.lower()}")
    if rule.signature == "always" and not _signed_by(row, caller, role):
        lines.append(f"movements: {obs.where()} recorded '{action}' ({key}) without the caller's signature "
                     f"(§7 signs every {action}): {json.dumps(row.get('signature'), default=str)[:120]}")
    return lines


def _signed_by(row: dict, caller: str, role: str) -> bool:
    """Signed by the caller, in the role it holds on the row's yacht (a role it holds on another
    yacht signs nothing here — red team round 6, 34); a row that keeps no role is judged by the
    signer alone."""
    signature = parsed_signature(row.get("signature"))
    return (isinstance(signature, dict) and str(signature.get("user_id")) == caller
            and signature.get("role_at_signing", role) == role)


def parsed_signature(value):
    """A row's signature as stored (jsonb read as text or as an object)."""
    return json.loads(value) if isinstance(value, str) else value
