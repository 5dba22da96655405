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


# -- the attack-surface inventory's expectations (harness/surface.py) --------------------------

ALLOWED, DENIED, UNSPECIFIED = "allowed", "denied", "unspecified"
#: An outcome that fails a cell whatever was expected: the write broke an invariant of §4 (stock
#: and ledger diverged, or a refusal left something behind).
INCONSISTENT = "inconsistent"
LEDGER_TABLE = "pms_inventory_transactions"
#: §1 tenancy tables: their user id is who the row is about, not who wrote it.
IDENTITY_TABLES = ("auth_users_profiles", "auth_users_roles")
#: One user per tier for the inventory, plus a role of no tier (CONTRACT §2: "e.g. guest").
SURFACE_ROLES = {"crew": "deckhand", "hod": "chief_engineer", "manager": "captain", "guest": "guest"}
STOCK_FUNCTIONS = ("deduct_stock_inventory", "add_stock_inventory")


def table_expectation(table: str, command: str, role: str, scope: str) -> tuple[str, str]:
    """(expected outcome, contract rule) of ``command`` on ``table`` by ``role`` on its own or a
    foreign yacht.  Foreign rows are never visible or writable (§5); the ledger is append-only
    (§4); own rows are visible to operational crew (§5).  The contract is silent on the rest."""
    if scope in DUAL_SCOPES:
        outcome, rule = table_expectation(table, command, role, dual_scope(scope))
        return outcome, f"{rule} (a role row on another yacht changes nothing)"
    if scope == "former":
        return DENIED, "§5 tenancy: a user moved to another yacht no longer reaches the rows of the one it left"
    if scope == "foreign":
        return DENIED, "§5 tenancy: another yacht's rows are never read or written"
    if table == LEDGER_TABLE and command in ("update", "delete"):
        return DENIED, "§4 append-only: no UPDATE or DELETE of ledger rows for authenticated"
    if command == "select" and tier_of(role) >= Tier.CREW:
        return ALLOWED, "§5: authenticated sees the rows of its own yacht"
    return UNSPECIFIED, "not stated by the contract"


#: The identity-change scope: the actor's profile and role are on the own yacht, and it also holds
#: an active role row on the other yacht — a captain moved here whose old row was never
#: deactivated, or relief crew serving on both.  The row elsewhere is the highest tier, so any
#: rule that reads "a role somewhere" instead of "a role on this yacht" shows.
SECOND_YACHT_ROLE = "captain"
#: own | foreign, seen by such an actor (CONTRACT §1: the user's yacht is the active profile's).
DUAL_SCOPES = ("dual_own", "dual_foreign")


def dual_scope(scope: str) -> str:
    """The plain scope a dual-yacht scope is judged as: a role row on another yacht changes
    nothing here (§1, §5) and opens nothing there (§5, §6)."""
    return scope.removeprefix("dual_")


def helper_expectation(tier: Tier, held: str | None) -> tuple[str, str]:
    """A role helper asked about a yacht where the user holds ``held`` (None: no role there):
    §2 answers for the role on *that* yacht, whatever the user holds elsewhere."""
    if held is not None and tier_of(held) >= tier:
        return ALLOWED, f"§2: {TIER_HELPER[tier]} is true for a {held} of that yacht"
    return DENIED, f"§2: {TIER_HELPER[tier]} is false without a {tier.name.lower()} role on that yacht"


def tenant_column_expectation(table: str, column: str) -> tuple[str, str]:
    """An UPDATE of an own-yacht row that points a tenancy column at the other yacht: ``yacht_id``
    moves the row into another tenant (§5: another yacht's rows are never written); the ledger
    is append-only (§4); a reference to another yacht's row (part, stock, location ...)
    elsewhere is not named by the contract."""
    if table == LEDGER_TABLE:
        return DENIED, "§4 append-only: no UPDATE of ledger rows for authenticated"
    if column == "yacht_id":
        return DENIED, "§5 tenancy: a row is never written into another yacht"
    return UNSPECIFIED, "§5 names no rule for a reference to another yacht's row"


def truncate_expectation(role: str) -> tuple[str, str]:
    """TRUNCATE is not subject to row-level security: granted, it removes every yacht's rows."""
    return DENIED, f"§5 tenancy: TRUNCATE bypasses RLS and would remove every yacht's rows ({role})"


def read_function_expectation(role: str) -> tuple[str, str]:
    """Any function anon/authenticated may EXECUTE, called with any arguments (PostgREST /rpc):
    nothing it returns names another yacht's rows (a definer function reads past RLS)."""
    return DENIED, "§5/§6 tenancy: a function called directly never returns another yacht's rows"


#: Columns only the actions change (§11.6): the quantity with its ledger row, deleted_at through
#: deactivate/reactivate — never by a direct UPDATE.
ACTION_COLUMNS = frozenset({("pms_inventory_stock", "quantity"), ("pms_inventory_stock", "deleted_at"),
                            ("pms_parts", "deleted_at")})


def column_update_expectation(table: str, role: str, column: str | None = None) -> tuple[str, str]:
    """An UPDATE of one column of the own yacht's rows: the ledger is append-only (§4), the
    columns of ``ACTION_COLUMNS`` change only through the actions (§11.6); elsewhere the contract
    names no column grants, but whatever is allowed must keep stock and ledger together (checked
    after the write: an allowed write that leaves drift is ``inconsistent``)."""
    if table == LEDGER_TABLE:
        return DENIED, "§4 append-only: no UPDATE of ledger rows for authenticated"
    if (table, column) in ACTION_COLUMNS:
        return DENIED, f"§11.6: {table}.{column} changes only through the actions, never by a direct UPDATE"
    return UNSPECIFIED, "no column grant stated; §4: stock and ledger never diverge"


#: The stock table whose deactivated rows refuse every mutation (§4 soft delete).
STOCK_TABLE = "pms_inventory_stock"
#: Who tries to change a deactivated stock row: every surface role and the table's owner (§4:
#: "whoever asks (owner and service_role included)").
SOFT_DELETE_ACTORS = (*SURFACE_ROLES.values(), "owner", "service_role")


def deactivated_expectation(actor: str) -> tuple[str, str]:
    """Any change of a deactivated stock row or a new ledger row on it, by anyone (§4)."""
    return DENIED, f"§4 soft delete: a deactivated stock row refuses every mutation and ledger row ({actor} included)"


def ledger_insert_expectation(role: str, ttype: str) -> tuple[str, str]:
    """A direct ledger INSERT of ``ttype`` on the own yacht (§5 type gating)."""
    allowed_types = direct_insert_types(role)
    return (ALLOWED if ttype in allowed_types else DENIED,
            f"§5: {role} may insert {', '.join(sorted(allowed_types)) or 'no type'} directly")


#: CONTRACT §5 storage: bucket -> (folder under the yacht id or None, tier per operation).
STORAGE_POLICIES: dict[str, tuple[str | None, dict[str, Tier]]] = {
    "documents": ("parts", {"select": Tier.CREW, "insert": Tier.CREW, "delete": Tier.HOD}),
    "pms-label-pdfs": (None, {"select": Tier.CREW, "insert": Tier.CREW}),
}


#: Own-yacht paths outside a bucket's required folder (§5: "a non-parts folder ... is denied").
OTHER_FOLDERS = ("other_folder", "yacht_root")


def storage_expectation(bucket: str, operation: str, role: str, scope: str) -> tuple[str, str]:
    """(expected outcome, rule) of ``operation`` on an object of ``bucket`` at an own, foreign or
    escaping path.  An operation with no policy in §5 (e.g. update) is denied to everyone."""
    if bucket not in STORAGE_POLICIES:
        return UNSPECIFIED, "bucket not named by the contract"
    if scope in OTHER_FOLDERS and STORAGE_POLICIES[bucket][0] is None:
        scope = "own"   # a bucket with no required folder: any folder under the own yacht is its own
    if scope != "own":
        return DENIED, "§5: another yacht's prefix, another folder or an escaping path is denied"
    tier = STORAGE_POLICIES[bucket][1].get(operation)
    if tier is None:
        return DENIED, f"§5: no {operation} policy on {bucket}"
    if tier_of(role) >= tier:
        return ALLOWED, f"§5: {operation} on {bucket} for {tier.name.lower()}"
    if operation == "select":   # §5 names the select policy without a tier
        return UNSPECIFIED, f"§5: select on {bucket} names no tier"
    return DENIED, f"§5: {operation} on {bucket} needs {tier.name.lower()}"


def function_expectation(function: str, role: str, args: str) -> tuple[str, str]:
    """The atomic stock functions called directly (PostgREST /rpc) with hostile arguments."""
    if role == "anon":
        return DENIED, "§6: anon may not execute the stock functions"
    if args.startswith("details:"):
        return UNSPECIFIED, "§10: extra parameters vary; a refusal must leave no row and no stock change"
    if args == "valid":
        if tier_of(role) >= Tier.CREW:
            return ALLOWED, "§6: a valid call on the caller's own stock succeeds"
        return DENIED, "§7/§11.4: the call books a crew action's type; a role of no tier books nothing"
    return DENIED, "§4/§6: the call is refused and changes nothing"


#: CONTRACT §7: what each action leaves behind, besides exactly one audit row.
ACTION_LEDGER_TYPES: dict[str, tuple[str, ...]] = {
    "consume_part": ("consumed",), "receive_part": ("received",), "add_to_shopping_list": (),
    "adjust_stock_quantity": ("adjusted",), "transfer_part": ("transferred_in", "transferred_out"),
    "write_off_part": ("write_off",), "reverse_transaction": ("reversed",),
    "deactivate_part": (), "reactivate_part": (),
}


def api_expectation(role: str, action: str | None) -> tuple[str, int, str]:
    """(outcome, status, rule) of an action (or, with ``action`` None, a read) aimed at another
    yacht's ids: 404 for a role the action admits, 403 for one it does not (§7)."""
    if action is None:
        return DENIED, 404, "§7: another yacht's part is not found (404)"
    if allowed(role, action):
        return DENIED, 404, "§7: another yacht's ids are not found (404)"
    return DENIED, 403, f"§7: {role} may not {action} (403)"


# -- accounting, attribution and read models (suites/surface/test_accounting.py) ---------------

#: The views CONTRACT §3 names: their contents must be what the base tables say.
CONTRACT_VIEWS = ("pms_part_stock", "v_stock_from_transactions")
#: Tables whose rows say who did something: their ``user_id`` is the caller (a ledger or audit
#: row in a colleague's name falsifies the trail §4 and §7 keep; §7: a signer "must be the caller").
ATTRIBUTED = (LEDGER_TABLE, "pms_audit_log")
#: Ledger types each stock function books, by the sign §4 gives them (adjusted and reversed go
#: either way).
FUNCTION_MOVEMENTS: dict[str, tuple[str, ...]] = {
    "deduct_stock_inventory": ("consumed", "transferred_out", "write_off", "adjusted", "reversed"),
    "add_stock_inventory": ("received", "transferred_in", "adjusted", "reversed"),
}
#: Ledger types that always carry a signature (§4), whose signer §7 says "must be the caller".
SIGNED_TYPES = ("write_off", "reversed")
#: The §7 action that books each ledger type (the function may book it only for that tier).
TYPE_ACTION = {"consumed": "consume_part", "received": "receive_part", "adjusted": "adjust_stock_quantity",
               "transferred_out": "transfer_part", "transferred_in": "transfer_part",
               "write_off": "write_off_part", "reversed": "reverse_transaction"}


def movement_expectation(role: str, ttype: str) -> tuple[str, str]:
    """A stock function called directly (PostgREST /rpc) to book ``ttype``, with a valid call
    otherwise (signed where §4 asks, linked where it must be).  The function holds every rule
    (§6), so it admits only the tier of the action that books that type (§7); one transfer leg
    alone is not a transfer (§4: a pair in one transaction), so what the admitted tier gets for
    it is not stated."""
    action = TYPE_ACTION[ttype]
    if not allowed(role, action):
        return DENIED, f"§6/§7: {ttype} is booked by {action}, not for {role}"
    if ttype.startswith("transferred"):
        return UNSPECIFIED, "§4: a transfer is a pair in one transaction; one leg alone is not stated"
    return ALLOWED, f"§6/§7: {role} may book {ttype} ({action})"


def colleague_expectation(role: str, ttype: str, column: str) -> tuple[str, str]:
    """A stock function called directly to book ``ttype`` whose details name a colleague in
    ``column`` (``user_id``, or ``signed_by`` and the signature's user_id): refused for a tier
    the action does not admit; otherwise refused or booked naming the caller (checked by the
    cell), which of the two is not stated (a project's policy declares it)."""
    action = TYPE_ACTION[ttype]
    if not allowed(role, action):
        return DENIED, f"§6/§7: {ttype} is booked by {action}, not for {role}"
    return UNSPECIFIED, f"§4/§7: whatever is booked names the caller as {column}, whatever the details say"


def attribution_expectation(table: str, role: str, author: str) -> tuple[str, str]:
    """A direct INSERT into an attributed table naming ``author`` ("self" or "colleague")."""
    if author == "colleague":
        return DENIED, f"§4/§7: a {table} row names its author, never a colleague"
    if table == LEDGER_TABLE:
        return ledger_insert_expectation(role, next(iter(sorted(direct_insert_types(role))), "consumed"))
    return UNSPECIFIED, "§5 names no insert policy for this table"


def view_expectation(reader: str) -> tuple[str, str]:
    """A §3 view read by ``reader`` (each role, and the owner who sees every yacht): its rows are
    its definition over the base-table rows the same reader sees."""
    return ALLOWED, "§3: the view is computed from its base tables (on-hand: active stock rows only)"
