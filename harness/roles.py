"""The reference handler's role model, as data (CONTRACT §2, §5, §7).

One table serves three consumers that must never disagree: the handler's own
gate (``harness.sut.service``), the helper-parity tests (the SQL helpers
``is_operational_crew`` / ``is_hod`` / ``is_manager`` must agree with the tiers
here) and the negative role x action matrix.  Keeping it as plain frozensets and
a dict makes those tests a loop over data instead of a second copy of the rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

OPERATIONAL_CREW = frozenset({
    "deckhand", "bosun", "steward", "eto", "chief_engineer",
    "chief_officer", "captain", "manager", "purser",
})
HOD = frozenset({"captain", "chief_engineer", "chief_officer", "purser", "manager"})
MANAGER = frozenset({"captain", "manager"})

#: Every role CONTRACT §2 names.  Each tier is a subset of the one below it.
ALL_ROLES = OPERATIONAL_CREW
#: Roles that exist in the wild but belong to no tier (CONTRACT §2: "e.g. guest").
#: Parity and negative tests iterate ``ALL_ROLES | UNLISTED_ROLES``.
UNLISTED_ROLES = frozenset({"guest"})


class Tier(IntEnum):
    """Ordered privilege tiers; a higher tier's roles are all in the lower ones."""

    NONE = 0
    CREW = 1
    HOD = 2
    MANAGER = 3


TIER_ROLES: dict[Tier, frozenset[str]] = {
    Tier.CREW: OPERATIONAL_CREW,
    Tier.HOD: HOD,
    Tier.MANAGER: MANAGER,
}

#: SQL helper implementing each tier (helper-parity tests call these).
TIER_HELPER: dict[Tier, str] = {
    Tier.CREW: "is_operational_crew",
    Tier.HOD: "is_hod",
    Tier.MANAGER: "is_manager",
}


def tier_of(role: str) -> Tier:
    """Highest tier a single role reaches (``Tier.NONE`` for unknown roles)."""
    for tier in (Tier.MANAGER, Tier.HOD, Tier.CREW):
        if role in TIER_ROLES[tier]:
            return tier
    return Tier.NONE


SignaturePolicy = Literal["never", "always", "when_large"]


@dataclass(frozen=True)
class ActionRule:
    """Who may run an action and what it must carry (one row of CONTRACT §7)."""

    tier: Tier
    signature: SignaturePolicy
    idempotency_required: bool = False


ACTIONS: dict[str, ActionRule] = {
    "consume_part": ActionRule(Tier.CREW, "never"),
    "receive_part": ActionRule(Tier.CREW, "never", idempotency_required=True),
    "add_to_shopping_list": ActionRule(Tier.CREW, "never"),
    "adjust_stock_quantity": ActionRule(Tier.HOD, "when_large"),
    "transfer_part": ActionRule(Tier.HOD, "never"),
    "write_off_part": ActionRule(Tier.HOD, "always"),
    "deactivate_part": ActionRule(Tier.HOD, "always"),
    "reactivate_part": ActionRule(Tier.HOD, "always"),
    "reverse_transaction": ActionRule(Tier.MANAGER, "always"),
}


def allowed(role: str, action: str) -> bool:
    """True when ``role`` may run ``action``; unknown actions are never allowed."""
    rule = ACTIONS.get(action)
    return rule is not None and role in TIER_ROLES[rule.tier]


def allowed_any(roles, action: str) -> bool:
    """True when any of a user's active roles may run ``action``."""
    return any(allowed(role, action) for role in roles)


#: Ledger types a tier may insert *directly* under RLS (CONTRACT §5 policies).
#: Policies are permissive, so a role gets the union of the tiers it belongs to.
DIRECT_INSERT_TYPES: dict[Tier, frozenset[str]] = {
    Tier.CREW: frozenset({"consumed"}),
    Tier.HOD: frozenset({"received", "transferred_out", "transferred_in", "adjusted"}),
    Tier.MANAGER: frozenset({"write_off", "reversed"}),
}

#: Tier the atomic stock functions demand per transaction type (ARCHITECTURE.md).
FUNCTION_TYPE_TIER: dict[str, Tier] = {
    "consumed": Tier.CREW,
    "received": Tier.CREW,
    "adjusted": Tier.HOD,
    "transferred_out": Tier.HOD,
    "transferred_in": Tier.HOD,
    "write_off": Tier.HOD,
    "reversed": Tier.MANAGER,
}

TRANSACTION_TYPES = frozenset(FUNCTION_TYPE_TIER)


def direct_insert_types(role: str) -> frozenset[str]:
    """Ledger types ``role`` may insert directly (union over its tiers)."""
    out: frozenset[str] = frozenset()
    for tier, roles in TIER_ROLES.items():
        if role in roles:
            out |= DIRECT_INSERT_TYPES[tier]
    return out
