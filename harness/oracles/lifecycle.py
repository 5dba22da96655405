"""CONTRACT §11.6, a part or stock row is deactivated and reactivated only through its actions:
whatever path changed a row's ``deleted_at`` (a per-bin switch a later migration adds, a
"restore" RPC, a direct UPDATE a policy lets through), the same call left an audit row of the
§7 action that does it (``deactivate_part`` setting it, ``reactivate_part`` clearing it) signed
by the caller.  The tier and the signature's role of that audit row are the movements oracle's;
here only that it exists, so a reactivation with no trail shows without any cell saying which
function should have refused it."""
from __future__ import annotations

from harness.oracles.movements import AUDIT_TABLE, parsed_signature
from harness.oracles.observation import Observation, delta

TABLES = ("pms_parts", "pms_inventory_stock")
ACTION = {True: "deactivate_part", False: "reactivate_part"}   # deleted_at set -> its action


def judge(obs: Observation, caller: str) -> list[str]:
    added, changed, _ = delta(obs.before, obs.after)
    audited = {row.get("action") for row in (obs.after[k] for k in added if k[0] == AUDIT_TABLE)
               if _signer(row.get("signature")) == caller}
    lines = []
    for table, key in changed:
        was, now = obs.before[(table, key)].get("deleted_at"), obs.after[(table, key)].get("deleted_at")
        if table in TABLES and (was is None) != (now is None) and ACTION[now is not None] not in audited:
            lines.append(f"lifecycle: {obs.where()} {'deactivated' if now else 'reactivated'} {table} {key} "
                         f"with no '{ACTION[now is not None]}' audit row signed by the caller (§11.6)")
    return lines


def _signer(signature) -> str | None:
    signature = parsed_signature(signature)
    return str(signature.get("user_id")) if isinstance(signature, dict) else None
