"""The nine inventory actions (CONTRACT §7) of the second lens, over asyncpg.

The handler is trusted server code: it identifies the caller, applies the role model, validates
the payload, then runs ONE transaction in which the stock function moves the quantity and the
handler inserts the ledger row (plus usage and audit rows). The stock functions move stock only.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

CREW = {"deckhand", "bosun", "steward", "eto", "chief_engineer", "chief_officer", "captain", "manager", "purser"}
HOD = {"captain", "chief_engineer", "chief_officer", "purser", "manager"}
MANAGER = {"captain", "manager"}
TIER = {"consume_part": CREW, "receive_part": CREW, "add_to_shopping_list": CREW, "adjust_stock_quantity": HOD,
        "transfer_part": HOD, "write_off_part": HOD, "deactivate_part": HOD, "reactivate_part": HOD,
        "reverse_transaction": MANAGER}
MAX_QUANTITY = 1_000_000
URGENCIES = ("low", "normal", "high", "critical")
SIGNATURE_FIELDS = ("user_id", "role_at_signing", "signature_type", "reason", "signed_at")
SIGNATURE_SKEW = timedelta(minutes=5)  # a signature may not claim to be signed later than now + skew
SIGNATURE_MAX_AGE = timedelta(hours=24)  # nor earlier than 24 hours ago
# The payload fields of each action (§7); any other key is a malformed body, not something to ignore.
FIELDS = {"consume_part": {"part_id", "location_id", "quantity", "work_order_id", "usage_reason", "notes",
                           "idempotency_key"},
          "receive_part": {"part_id", "location_id", "quantity", "idempotency_key", "reference_id"},
          "add_to_shopping_list": {"part_id", "quantity", "urgency"},
          "adjust_stock_quantity": {"part_id", "location_id", "new_quantity", "reason", "signature"},
          "transfer_part": {"part_id", "from_location_id", "to_location_id", "quantity"},
          "write_off_part": {"part_id", "location_id", "quantity", "reason", "signature"},
          "deactivate_part": {"part_id", "reason", "signature"}, "reactivate_part": {"part_id", "signature"},
          "reverse_transaction": {"transaction_id", "reason", "signature"}}
# Only the canonical spelling is an id: uuid.UUID() also reads braces, urn: and hyphen-less hex.
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)
FUNCTION_ERRORS = {"stock_not_found": (404, "stock_not_found"), "stock_deactivated": (409, "part_deactivated"),
                   "insufficient_stock": (409, "insufficient_stock"), "invalid_quantity": (400, "invalid_quantity")}


class ActionError(Exception):
    def __init__(self, status: int, code: str, message: str = "", **extra):
        super().__init__(message or code)
        self.status, self.code, self.message, self.extra = status, code, message or code, extra


# -- payload fields ---------------------------------------------------------------------------

def known_fields(action: str, p: dict) -> None:
    unknown = set(p) - FIELDS[action]
    if unknown:
        raise ActionError(400, "unknown_field", "the payload has a field this action does not take")


def _uuid(p: dict, name: str, required: bool = True):
    value = p.get(name)
    if value is None:
        if required:
            raise ActionError(400, "missing_field", f"{name} is required")
        return None
    if not isinstance(value, str) or not CANONICAL_UUID.fullmatch(value):
        raise ActionError(400, "invalid_uuid", f"{name} is not a UUID")
    return uuid.UUID(value)


def visible(value: str) -> bool:
    """Text PostgreSQL can store (no NUL, no lone surrogate) that shows something: a reason made
    of zero-width, bidi or other invisible characters is no reason."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value and any(unicodedata.category(c) not in ("Zs", "Zl", "Zp", "Cc", "Cf") for c in value)


def _quantity(p: dict, name: str = "quantity", minimum: int = 1) -> int:
    value = p.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_QUANTITY:
        raise ActionError(400, "invalid_quantity", f"{name} must be an integer from {minimum} to {MAX_QUANTITY}")
    return value


def _text(p: dict, name: str, required: bool = False, limit: int = 1000) -> str | None:
    value = p.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not visible(value) or len(value) > limit:
        raise ActionError(400, "invalid_text" if value is not None else "missing_field", f"{name} must be text")
    return value


def _signature(p: dict, caller, required: bool) -> dict | None:
    sig = p.get("signature")
    if sig is None or sig == {}:
        if required:
            raise ActionError(400, "signature_required", "this action needs a signature")
        return None
    if not isinstance(sig, dict) or len(json.dumps(sig)) > 4096:
        raise ActionError(400, "signature_invalid", "signature must be a small JSON object")
    if set(sig) != set(SIGNATURE_FIELDS) or any(not isinstance(sig[k], str) or not visible(sig[k]) for k in sig):
        raise ActionError(400, "signature_invalid", f"signature has exactly {', '.join(SIGNATURE_FIELDS)}")
    if sig["user_id"] != str(caller.user_id) or sig["role_at_signing"] not in caller.roles:
        raise ActionError(400, "signature_invalid", "the signature is not the caller's")
    try:
        signed = datetime.fromisoformat(sig["signed_at"])
    except ValueError:
        raise ActionError(400, "signature_invalid", "signed_at is not a timestamp") from None
    now = datetime.now(UTC)
    if signed.tzinfo is None or not now - SIGNATURE_MAX_AGE <= signed <= now + SIGNATURE_SKEW:
        raise ActionError(400, "signature_invalid", "signed_at needs a UTC offset, at most 5 minutes ahead and "
                          "24 hours old")
    return sig


# -- the transaction ----------------------------------------------------------------------------

class Caller:
    def __init__(self, user_id: uuid.UUID, yacht_id: uuid.UUID, roles: set[str]):
        self.user_id, self.yacht_id, self.roles = user_id, yacht_id, roles


async def identify(conn: asyncpg.Connection, user_id: uuid.UUID) -> Caller:
    row = await conn.fetchrow(
        "SELECT p.yacht_id, array_remove(array_agg(r.role), NULL) AS roles FROM auth_users_profiles p "
        "LEFT JOIN auth_users_roles r ON r.user_id = p.id AND r.yacht_id = p.yacht_id AND r.is_active "
        "WHERE p.id = $1 AND p.is_active GROUP BY p.yacht_id", user_id)
    if row is None:
        raise ActionError(403, "forbidden", "no active profile")
    return Caller(user_id, row["yacht_id"], set(row["roles"]))


class Work:
    """One action's transaction: yacht-scoped lookups, the stock move and the ledger row."""

    def __init__(self, conn: asyncpg.Connection, caller: Caller):
        self.conn, self.caller, self.yacht = conn, caller, caller.yacht_id

    async def part(self, part_id, active: bool = True):
        row = await self.conn.fetchrow("SELECT id, name, deleted_at FROM pms_parts WHERE id = $1 AND yacht_id = $2",
                                       part_id, self.yacht)
        if row is None:
            raise ActionError(404, "part_not_found")
        if active and row["deleted_at"] is not None:
            raise ActionError(409, "part_deactivated")
        return row

    async def location(self, location_id):
        row = await self.conn.fetchrow("SELECT id, name FROM pms_part_locations WHERE id = $1 AND yacht_id = $2",
                                       location_id, self.yacht)
        if row is None:
            raise ActionError(404, "location_not_found")
        return row

    async def stock(self, part, location, create: bool = False):
        query = ("SELECT id, quantity, deleted_at FROM pms_inventory_stock WHERE yacht_id = $1 AND part_id = $2 "
                 "AND location_id = $3 ORDER BY deleted_at NULLS FIRST, created_at LIMIT 1")
        row = await self.conn.fetchrow(query, self.yacht, part["id"], location["id"])
        if row is None and create:
            await self.conn.execute("INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id) "
                                    "VALUES ($1, $2, $3, $4)", self.yacht, part["id"], location["name"], location["id"])
            row = await self.conn.fetchrow(query, self.yacht, part["id"], location["id"])
        if row is None:
            raise ActionError(404, "stock_not_found")
        if row["deleted_at"] is not None:
            raise ActionError(409, "part_deactivated")
        return row

    async def move(self, stock_id, part_id, change: int, ttype: str, **ledger) -> dict:
        fn = "add_stock_inventory" if change > 0 else "deduct_stock_inventory"
        row = await self.conn.fetchrow(f"SELECT * FROM public.{fn}($1, $2, $3)", stock_id, abs(change), self.yacht)
        if not row["success"]:
            raise ActionError(*FUNCTION_ERRORS.get(row["error_code"], (409, "conflict")))
        columns = {"yacht_id": self.yacht, "stock_id": stock_id, "part_id": part_id, "transaction_type": ttype,
                   "quantity_change": change, "quantity_before": row["quantity_before"],
                   "quantity_after": row["quantity_after"], "user_id": self.caller.user_id,
                   **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in ledger.items() if v is not None}}
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        tx_id = await self.conn.fetchval(f"INSERT INTO pms_inventory_transactions ({', '.join(columns)}) "
                                         f"VALUES ({marks}) RETURNING id", *columns.values())
        return {"transaction_id": str(tx_id), "stock_id": str(stock_id),
                "quantity_before": row["quantity_before"], "quantity_after": row["quantity_after"]}

    async def audit(self, entity_id, action: str, new: dict, signature: dict | None = None) -> None:
        await self.conn.execute(
            "INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, new_values, signature) "
            "VALUES ($1, 'part', $2, $3, $4, $5::jsonb, $6::jsonb)",
            self.yacht, entity_id, action, self.caller.user_id, json.dumps(new), json.dumps(signature or {}))


def _signed(sig, caller) -> dict:
    return {"signature": sig, "signed_by": caller.user_id} if sig else {}


# Every action parses its whole payload before it reads any row: a malformed body is a 400
# whatever the ids point at (never a 404 that hides the broken field).

async def consume_part(w: Work, p: dict) -> dict:
    part_id, location_id, quantity = _uuid(p, "part_id"), _uuid(p, "location_id"), _quantity(p)
    work_order = _uuid(p, "work_order_id", required=False)
    reason, notes, key = _text(p, "usage_reason"), _text(p, "notes", limit=4000), _text(p, "idempotency_key", limit=200)
    part = await w.part(part_id)
    stock = await w.stock(part, await w.location(location_id))
    usage_id = await w.conn.fetchval(
        "INSERT INTO pms_part_usage (yacht_id, part_id, work_order_id, quantity, usage_reason, notes, used_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", w.yacht, part["id"], work_order, quantity,
        reason, notes, w.caller.user_id)
    moved = await w.move(stock["id"], part["id"], -quantity, "consumed", usage_id=usage_id, idempotency_key=key,
                         reference_type="work_order" if work_order else None, reference_id=work_order)
    result = {**moved, "usage_id": str(usage_id)}
    await w.audit(part["id"], "consume_part", result)
    return result


async def receive_part(w: Work, p: dict) -> dict:
    key = p.get("idempotency_key")
    if key is None:
        raise ActionError(400, "idempotency_key_required")
    key = _text(p, "idempotency_key", limit=200)
    part_id, location_id, quantity = _uuid(p, "part_id"), _uuid(p, "location_id"), _quantity(p)
    reference = _uuid(p, "reference_id", required=False)
    part = await w.part(part_id)
    stock = await w.stock(part, await w.location(location_id), create=True)
    moved = await w.move(stock["id"], part["id"], quantity, "received", idempotency_key=key,
                         reference_type="receiving" if reference else None, reference_id=reference)
    await w.audit(part["id"], "receive_part", moved)
    return moved


async def add_to_shopping_list(w: Work, p: dict) -> dict:
    part_id, quantity = _uuid(p, "part_id"), _quantity(p)
    urgency = p.get("urgency", "normal")
    if urgency not in URGENCIES:
        raise ActionError(400, "invalid_urgency")
    part = await w.part(part_id)
    item = await w.conn.fetchval(
        "INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, urgency, status, "
        "source_type, created_by) VALUES ($1, $2, $3, $4, $5, 'pending', 'inventory_lens', $6) RETURNING id",
        w.yacht, part["id"], part["name"], quantity, urgency, w.caller.user_id)
    result = {"item_id": str(item), "part_id": str(part["id"]), "quantity_requested": quantity, "urgency": urgency}
    await w.audit(part["id"], "add_to_shopping_list", result)
    return result


async def adjust_stock_quantity(w: Work, p: dict, threshold: int) -> dict:
    part_id, location_id, target = _uuid(p, "part_id"), _uuid(p, "location_id"), _quantity(p, "new_quantity", minimum=0)
    sig, reason = _signature(p, w.caller, required=False), _text(p, "reason")
    part = await w.part(part_id)
    stock = await w.stock(part, await w.location(location_id))
    current = await w.conn.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1 FOR UPDATE", stock["id"])
    change = target - current
    if change == 0:
        raise ActionError(400, "invalid_quantity", "new_quantity equals the current quantity")
    if abs(change) >= threshold and sig is None:
        raise ActionError(400, "signature_required", f"an adjustment of {abs(change)} needs a signature")
    moved = await w.move(stock["id"], part["id"], change, "adjusted", **_signed(sig, w.caller))
    await w.audit(part["id"], "adjust_stock_quantity", {**moved, "reason": reason}, sig)
    return moved


async def transfer_part(w: Work, p: dict) -> dict:
    part_id, quantity = _uuid(p, "part_id"), _quantity(p)
    source_id, target_id = _uuid(p, "from_location_id"), _uuid(p, "to_location_id")
    if source_id == target_id:
        raise ActionError(400, "invalid_transfer", "from and to must differ")
    part = await w.part(part_id)
    source, target = await w.location(source_id), await w.location(target_id)
    src, dst = await w.stock(part, source), await w.stock(part, target, create=True)
    group, legs = uuid.uuid4(), {}
    for stock_id, change, ttype in sorted([(src["id"], -quantity, "transferred_out"), (dst["id"], quantity, "transferred_in")]):
        legs[ttype] = await w.move(stock_id, part["id"], change, ttype, transfer_group_id=group,
                                   from_location_id=source["id"], to_location_id=target["id"])
    result = {"transfer_group_id": str(group), "out": legs["transferred_out"], "in": legs["transferred_in"]}
    await w.audit(part["id"], "transfer_part", result)
    return result


async def write_off_part(w: Work, p: dict) -> dict:
    part_id, location_id, quantity = _uuid(p, "part_id"), _uuid(p, "location_id"), _quantity(p)
    reason, sig = _text(p, "reason", required=True), _signature(p, w.caller, required=True)
    part = await w.part(part_id)
    stock = await w.stock(part, await w.location(location_id))
    moved = await w.move(stock["id"], part["id"], -quantity, "write_off", **_signed(sig, w.caller))
    await w.audit(part["id"], "write_off_part", {**moved, "reason": reason}, sig)
    return moved


async def set_active(w: Work, p: dict, active: bool) -> dict:
    part_id = _uuid(p, "part_id")
    reason = None if active else _text(p, "reason", required=True)
    sig = _signature(p, w.caller, required=True)
    part = await w.part(part_id, active=False)
    if (part["deleted_at"] is None) == active:
        raise ActionError(409, "part_not_deactivated" if active else "part_deactivated")
    who = None if active else w.caller.user_id
    await w.conn.execute("UPDATE pms_parts SET deleted_at = CASE WHEN $2 THEN NULL ELSE now() END, deleted_by = $3, "
                         "deletion_reason = $4, updated_at = now() WHERE id = $1", part["id"], active, who, reason)
    status = await w.conn.execute("UPDATE pms_inventory_stock SET deleted_at = CASE WHEN $2 THEN NULL ELSE now() END, "
                                  "deleted_by = $3 WHERE part_id = $1 AND (deleted_at IS NULL) <> $2",
                                  part["id"], active, who)
    result = {"part_id": str(part["id"]), "active": active, "stock_rows": int(status.rsplit(" ", 1)[-1])}
    await w.audit(part["id"], "reactivate_part" if active else "deactivate_part", {**result, "reason": reason}, sig)
    return result


async def reverse_transaction(w: Work, p: dict) -> dict:
    tx_id, reason = _uuid(p, "transaction_id"), _text(p, "reason", required=True)
    sig = _signature(p, w.caller, required=True)
    orig = await w.conn.fetchrow("SELECT id, stock_id, part_id, transaction_type, quantity_change "
                                 "FROM pms_inventory_transactions WHERE id = $1 AND yacht_id = $2", tx_id, w.yacht)
    if orig is None:
        raise ActionError(404, "transaction_not_found")
    if orig["transaction_type"] in ("reversed", "transferred_out", "transferred_in"):
        raise ActionError(400, "invalid_reversal", "a reversal, or one leg of a transfer, cannot be reversed")
    if await w.conn.fetchval("SELECT EXISTS (SELECT 1 FROM pms_inventory_transactions "
                             "WHERE reverses_transaction_id = $1)", orig["id"]):
        raise ActionError(409, "already_reversed")
    moved = await w.move(orig["stock_id"], orig["part_id"], -orig["quantity_change"], "reversed",
                         reverses_transaction_id=orig["id"], reference_type="inventory_transaction",
                         reference_id=orig["id"], **_signed(sig, w.caller))
    result = {**moved, "reverses_transaction_id": str(orig["id"])}
    await w.audit(orig["part_id"], "reverse_transaction", {**result, "reason": reason}, sig)
    return result
