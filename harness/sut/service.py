"""The nine inventory actions of CONTRACT §7 over asyncpg (the reference handler).

Each action is ONE database transaction on a pool connection running as the
caller (``harness.db.as_user``: ``authenticated`` + JWT claims), so RLS stays the
last line of defence.  Quantities and ledger rows change only through
``deduct_stock_inventory`` / ``add_stock_inventory``, which lock the stock row
and write the ledger in the same statement: stock and ledger cannot diverge even
if the process or its connection dies mid-request (the transaction just never
commits).  The handler's own gates in front of that (role model, strict body
validation, explicit lookups scoped to the caller's yacht) exist to give the
explicit status codes of the contract instead of opaque database errors.
"""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from harness.db import as_user, user_id_of
from harness.roles import ACTIONS, allowed_any
from harness.sut import ServiceError
from harness.sut.bodies import validate
from harness.sut.rules import STRICT

REVERSIBLE_TYPES = frozenset({"received", "consumed", "adjusted", "write_off"})
ADJUST_ATTEMPTS = 3

# error_code of the atomic functions -> (HTTP status, contract error)
FUNCTION_ERRORS = {
    "forbidden": (403, "forbidden"),
    "stock_not_found": (404, "stock_not_found"),
    "stock_deactivated": (409, "part_deactivated"),
    "insufficient_stock": (409, "insufficient_stock"),
    "invalid_quantity": (400, "invalid_quantity"),
    "duplicate_request": (409, "duplicate_request"),
    "already_reversed": (409, "already_reversed"),
    "invalid_reversal": (400, "invalid_reversal"),
    "invalid_transfer": (400, "invalid_transfer"),
    "transaction_not_found": (404, "transaction_not_found"),
    "invalid_details": (400, "invalid_body"),
    "signature_invalid": (400, "signature_invalid"),
    "signature_required": (400, "signature_required"),
}

# error_code of set_part_active -> (HTTP status, contract error)
PART_ERRORS = {
    **{k: FUNCTION_ERRORS[k] for k in ("forbidden", "invalid_details", "signature_invalid", "signature_required")},
    "part_not_found": (404, "part_not_found"),
    "part_deactivated": (409, "part_deactivated"),
    "part_not_deactivated": (409, "part_not_deactivated"),
}

# unique indexes / check constraints of ARCHITECTURE.md -> contract errors
CONSTRAINT_ERRORS = {
    "uq_inventory_tx_idempotency": (409, "duplicate_request"),
    "uq_inventory_tx_reverses": (409, "already_reversed"),
    "chk_inventory_tx_transfer_locations": (400, "invalid_transfer"),
    "objects_bucket_id_name_key": (409, "object_exists"),
    "objects_bucket_id_fkey": (404, "bucket_not_found"),
}


#: What each contract error means, stated as the rule the request broke; a message never
#: carries a function, constraint or exception name (those go to the server log).
RULES = {
    "forbidden": "denied: the caller's role or yacht does not allow this",
    "stock_not_found": "no such stock row on the caller's yacht",
    "part_deactivated": "the part or its stock is deactivated; reactivate it first",
    "insufficient_stock": "not enough stock: quantity may not go below 0",
    "invalid_quantity": "quantity must be an integer from 1 to 1000000",
    "duplicate_request": "this idempotency key was already used on this yacht",
    "already_reversed": "this transaction is already reversed",
    "invalid_reversal": "only received, consumed, adjusted and write_off rows can be reversed",
    "invalid_transfer": "from_location_id and to_location_id must differ",
    "transaction_not_found": "no such transaction on the caller's yacht",
    "invalid_body": "the body breaks a rule of the action's schema (see /openapi.json)",
    "object_exists": "an object with this name already exists; objects are never overwritten",
    "bucket_not_found": "no such bucket",
    "conflict": "a concurrent update won; retry",
    "database_unavailable": "the database is unavailable; retry",
    "timeout": "the database took too long; retry",
    "invalid_reference": "a referenced row does not exist on the caller's yacht",
    "constraint_violation": "the change breaks a data rule of the inventory",
    "internal": "internal server error",
}


def refusal(status: int, code: str, extra: dict | None = None) -> ServiceError:
    return ServiceError(status, code, RULES.get(code, code.replace("_", " ")), extra)


@contextmanager
def db_errors():
    """Translate database failures into contract errors (never a bare 500 for a guard)."""
    try:
        yield
    except ServiceError:
        raise
    except asyncpg.InsufficientPrivilegeError:
        raise refusal(403, "forbidden") from None
    except asyncpg.PostgresError as exc:
        raise _from_postgres(exc) from exc
    except (asyncpg.InterfaceError, asyncpg.InternalClientError, ConnectionError, OSError) as exc:
        # a connection broken by a server restart or a killed backend: retryable, not a 500
        raise refusal(503, "database_unavailable") from exc


def _from_postgres(exc: asyncpg.PostgresError) -> ServiceError:
    state = getattr(exc, "sqlstate", "") or ""
    message = str(getattr(exc, "message", "") or exc)
    constraint = getattr(exc, "constraint_name", None)
    if constraint in CONSTRAINT_ERRORS:
        return refusal(*CONSTRAINT_ERRORS[constraint])
    for marker in ("stock_deactivated", "invalid_reversal"):
        if marker in message:
            return refusal(*FUNCTION_ERRORS[marker])
    for prefixes, status, code in ((("22003",), 400, "invalid_quantity"),
                                   (("40001", "40P01", "55P03"), 409, "conflict"),
                                   (("08", "57P"), 503, "database_unavailable"),
                                   (("57014",), 503, "timeout"),
                                   (("23503",), 400, "invalid_reference"),
                                   (("23",), 409, "constraint_violation")):
        if state.startswith(prefixes):
            return refusal(status, code)
    return refusal(500, "internal")


@dataclass(frozen=True)
class Caller:
    user_id: uuid.UUID
    yacht_id: uuid.UUID
    roles: frozenset[str]


#: The caller's roles are the active ones it holds on its profile's yacht (CONTRACT §1, §7).
ROLES_ON_PROFILE_YACHT = "r.user_id = p.id AND r.yacht_id = p.yacht_id AND r.is_active"


async def identify(conn: asyncpg.Connection, user_id, roles_on: str = ROLES_ON_PROFILE_YACHT) -> Caller | None:
    """The caller's yacht (active profile) and active roles there, read by the backend."""
    row = await conn.fetchrow(
        "SELECT p.yacht_id, coalesce(array_agg(r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles "
        f"FROM auth_users_profiles p LEFT JOIN auth_users_roles r ON {roles_on} "
        "WHERE p.id = $1 AND p.is_active GROUP BY p.yacht_id",
        user_id,
    )
    return None if row is None else Caller(user_id, row["yacht_id"], frozenset(row["roles"]))


def _details(**values) -> str:
    """p_details jsonb: set keys only, UUIDs as strings."""
    return json.dumps({k: (str(v) if isinstance(v, uuid.UUID) else v)
                       for k, v in values.items() if v is not None})


class Tx:
    """One action's transaction as the caller: yacht-scoped lookups and the only writers.

    The class attributes are the seams the deliberate defect variants (defects.py) turn."""

    function_errors = FUNCTION_ERRORS
    enforce_deactivation = True

    def __init__(self, conn: asyncpg.Connection, caller: Caller, body: dict):
        self.conn, self.caller, self.body = conn, caller, body
        self.yacht = caller.yacht_id

    async def part(self, part_id, *, active: bool = True) -> asyncpg.Record:
        row = await self.conn.fetchrow(
            "SELECT id, name, deleted_at FROM pms_parts WHERE id = $1 AND yacht_id = $2",
            part_id, self.yacht)
        if row is None:
            raise ServiceError(404, "part_not_found", f"part {part_id} not found")
        if active and self.enforce_deactivation and row["deleted_at"] is not None:
            raise ServiceError(409, "part_deactivated", f"part {part_id} is deactivated")
        return row

    async def location(self, location_id) -> asyncpg.Record:
        row = await self.conn.fetchrow(
            "SELECT id, name FROM pms_part_locations WHERE id = $1 AND yacht_id = $2",
            location_id, self.yacht)
        if row is None:
            raise ServiceError(404, "location_not_found", f"location {location_id} not found")
        return row

    async def stock(self, part, location, *, create: bool = False) -> asyncpg.Record:
        """The part's stock row at ``location`` (created empty when asked and missing)."""
        sql = ("SELECT id, quantity, deleted_at FROM pms_inventory_stock "
               "WHERE yacht_id = $1 AND part_id = $2 AND location_id = $3 "
               "ORDER BY deleted_at NULLS FIRST, created_at LIMIT 1")
        row = await self.conn.fetchrow(sql, self.yacht, part["id"], location["id"])
        if row is None and create:
            await self.conn.execute(
                "INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity) "
                "VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
                self.yacht, part["id"], location["name"], location["id"])
            row = await self.conn.fetchrow(sql, self.yacht, part["id"], location["id"])
        if row is None:
            raise ServiceError(404, "stock_not_found",
                               f"no stock of part {part['id']} at location {location['id']}")
        if self.enforce_deactivation and row["deleted_at"] is not None:
            raise ServiceError(409, "part_deactivated", f"stock {row['id']} is deactivated")
        return row

    async def move(self, stock_id, change: int, ttype: str, **details) -> asyncpg.Record:
        """Apply ``change`` (+ add, - deduct) through the locking function; raise its error."""
        fn = "add_stock_inventory" if change > 0 else "deduct_stock_inventory"
        row = await self.conn.fetchrow(
            f"SELECT * FROM public.{fn}($1, $2, $3, $4, $5::jsonb)",
            stock_id, abs(change), self.yacht, ttype, _details(**details))
        if not row["success"]:
            status, code = self.function_errors.get(row["error_code"], (409, row["error_code"] or "conflict"))
            extra = {"transaction_id": str(row["transaction_id"])} if code == "duplicate_request" else {}
            raise refusal(status, code, extra)
        return row

    async def audit(self, entity_type: str, entity_id, action: str, old: dict | None,
                    new: dict | None, signature: dict | None = None) -> None:
        """Every action leaves one audit row; unsigned actions carry '{}' (never NULL)."""
        await self.conn.execute(
            "INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, "
            "old_values, new_values, signature) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)",
            self.yacht, entity_type, entity_id, action, self.caller.user_id,
            json.dumps(old, default=str) if old is not None else None,
            json.dumps(new, default=str) if new is not None else None,
            self.audit_signature(signature))

    @staticmethod
    def audit_signature(signature: dict | None) -> str | None:
        """The audit row's signature: the signature itself, or '{}' when unsigned."""
        return json.dumps(signature or {})


def _signed(body: dict, user_id) -> dict:
    """Ledger details for a signed row (signature + signed_by), empty when unsigned."""
    sig = body.get("signature")
    return {"signature": sig, "signed_by": user_id} if sig else {}


def _moved(row: asyncpg.Record, stock_id) -> dict:
    return {"transaction_id": str(row["transaction_id"]), "stock_id": str(stock_id),
            "quantity_before": row["quantity_before"], "quantity_after": row["quantity_after"]}


class InventoryService:
    """The reference handler: gate, validate, then one transaction as the caller."""

    variant = "reference"
    tx_class = Tx  # the writers; defect variants (harness/sut/defects.py) swap it
    precheck_reversal = True
    check_stale_adjust = True  # an adjust whose row moved since its read is retried
    header_read_timeout = True  # the server closes a connection whose request head is too slow
    body_read_timeout = True  # a body that does not arrive in time is answered 408
    roles_on = ROLES_ON_PROFILE_YACHT  # how the caller's roles join its profile
    rules = STRICT  # the parsers of every untrusted string; defect variants swap one rule  # the handler's own already-reversed answer (the database's index backs it)

    def __init__(self, pool: asyncpg.Pool, *, large_adjust_threshold: int = 10):
        self.pool = pool
        self.large_adjust_threshold = large_adjust_threshold

    def caller(self, claims: dict, headers) -> str:
        """Who a request acts for: its verified token's ``sub``, whatever its other claims and
        headers say (CONTRACT §11.4); the seam a handler defect that trusts a header turns."""
        return claims["sub"]

    async def dispatch(self, action: str, user_id, body: Any) -> dict:
        if action not in ACTIONS:
            raise ServiceError(404, "unknown_action", f"the actions are {', '.join(ACTIONS)}")
        return await getattr(self, action)(user_id, body)

    @asynccontextmanager
    async def _session(self, user_id, *, action: str | None = None, body: Any = None,
                       commit: bool = False, as_owner: bool = False):
        """Identify the caller, gate ``action`` (403), validate ``body`` (400), then open
        ONE transaction as the caller and yield a ``Tx``.

        ``as_owner`` runs the transaction as the pool's own login instead of the
        caller; only the deliberately defective naive variant uses it.
        """
        with db_errors():
            async with self.pool.acquire() as conn:
                caller = await identify(conn, user_id_of(user_id), self.roles_on)
                if caller is None:
                    raise ServiceError(403, "forbidden", "no active profile for this user")
                parsed: dict = {}
                if action is not None:
                    if not allowed_any(caller.roles, action):
                        raise ServiceError(403, "forbidden", f"role not allowed to {action}")
                    parsed = self.validate_body(action, body, caller.user_id, caller.roles)
                session = conn.transaction() if as_owner else as_user(conn, caller.user_id, commit=commit)
                async with session:
                    yield self.tx_class(conn, caller, parsed)

    def validate_body(self, action: str, body: Any, user_id, roles) -> dict:
        return validate(action, body, user_id, roles, self.rules)

    def _action(self, action: str, user_id, body: Any, *, as_owner: bool = False):
        return self._session(user_id, action=action, body=body, commit=True, as_owner=as_owner)

    # -- crew ------------------------------------------------------------------------------

    async def consume_part(self, user_id, body) -> dict:
        async with self._action("consume_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]))
            usage_id = await tx.conn.fetchval(
                "INSERT INTO pms_part_usage (yacht_id, part_id, work_order_id, quantity, usage_reason, "
                "notes, used_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                tx.yacht, part["id"], b["work_order_id"], b["quantity"], b["usage_reason"],
                b["notes"], tx.caller.user_id)
            row = await tx.move(stock["id"], -b["quantity"], "consumed", usage_id=usage_id,
                                idempotency_key=b["idempotency_key"],
                                reference_type="work_order" if b["work_order_id"] else None,
                                reference_id=b["work_order_id"])
            result = {**_moved(row, stock["id"]), "usage_id": str(usage_id)}
            await tx.audit("part", part["id"], "consume_part",
                           {"quantity": row["quantity_before"]}, result)
            return result

    async def receive_part(self, user_id, body) -> dict:
        async with self._action("receive_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]), create=True)
            row = await tx.move(stock["id"], b["quantity"], "received",
                                idempotency_key=b["idempotency_key"],
                                reference_type="receiving" if b["reference_id"] else None,
                                reference_id=b["reference_id"])
            result = _moved(row, stock["id"])
            await tx.audit("part", part["id"], "receive_part",
                           {"quantity": row["quantity_before"]}, result)
            return result

    async def add_to_shopping_list(self, user_id, body) -> dict:
        async with self._action("add_to_shopping_list", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            item_id = await tx.conn.fetchval(
                "INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, "
                "urgency, status, source_type, created_by) "
                "VALUES ($1, $2, $3, $4, $5, 'pending', 'inventory_lens', $6) RETURNING id",
                tx.yacht, part["id"], part["name"], b["quantity"], b["urgency"] or "normal",
                tx.caller.user_id)
            result = {"item_id": str(item_id), "part_id": str(part["id"]),
                      "quantity_requested": b["quantity"], "urgency": b["urgency"] or "normal"}
            await tx.audit("shopping_list_item", item_id, "add_to_shopping_list", None, result)
            return result

    # -- heads of department ---------------------------------------------------------------

    async def adjust_stock_quantity(self, user_id, body) -> dict:
        """Set a stock row to ``new_quantity``; retried when the row moved under us."""
        for _ in range(ADJUST_ATTEMPTS):
            try:
                return await self._adjust_once(user_id, body)
            except _StaleRead:
                continue
        raise ServiceError(409, "conflict", "stock kept changing during the adjustment, retry")

    async def _adjust_once(self, user_id, body) -> dict:
        async with self._action("adjust_stock_quantity", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]))
            change = b["new_quantity"] - stock["quantity"]
            if change == 0:
                raise ServiceError(400, "invalid_quantity", "new_quantity equals the current quantity")
            if abs(change) >= self.large_adjust_threshold and not b["signature"]:
                raise ServiceError(400, "signature_required",
                                   f"an adjustment of {abs(change)} needs a signature "
                                   f"(threshold {self.large_adjust_threshold})")
            row = await tx.move(stock["id"], change, "adjusted", **_signed(b, tx.caller.user_id))
            if self.check_stale_adjust and row["quantity_before"] != stock["quantity"]:
                raise _StaleRead()
            result = _moved(row, stock["id"])
            await tx.audit("part", part["id"], "adjust_stock_quantity",
                           {"quantity": row["quantity_before"]},
                           {**result, "reason": b["reason"]}, b["signature"])
            return result

    async def transfer_part(self, user_id, body) -> dict:
        """Two ledger rows sharing a group id; locks taken in stock-id order (no deadlock)."""
        async with self._action("transfer_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            source = await tx.location(b["from_location_id"])
            target = await tx.location(b["to_location_id"])
            src = await tx.stock(part, source)
            dst = await tx.stock(part, target, create=True)
            group = uuid.uuid4()
            legs = sorted([(src["id"], -b["quantity"], "transferred_out"),
                           (dst["id"], b["quantity"], "transferred_in")])
            rows = {}
            for stock_id, change, ttype in legs:
                rows[ttype] = await tx.move(stock_id, change, ttype, transfer_group_id=group,
                                            from_location_id=source["id"], to_location_id=target["id"])
            result = {"transfer_group_id": str(group),
                      "out": _moved(rows["transferred_out"], src["id"]),
                      "in": _moved(rows["transferred_in"], dst["id"])}
            await tx.audit("part", part["id"], "transfer_part", None, result)
            return result

    async def write_off_part(self, user_id, body) -> dict:
        async with self._action("write_off_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]))
            row = await tx.move(stock["id"], -b["quantity"], "write_off", **_signed(b, tx.caller.user_id))
            result = _moved(row, stock["id"])
            await tx.audit("part", part["id"], "write_off_part", {"quantity": row["quantity_before"]},
                           {**result, "reason": b["reason"]}, b["signature"])
            return result

    async def deactivate_part(self, user_id, body) -> dict:
        return await self._set_active("deactivate_part", user_id, body, active=False)

    async def reactivate_part(self, user_id, body) -> dict:
        return await self._set_active("reactivate_part", user_id, body, active=True)

    async def _set_active(self, action: str, user_id, body, *, active: bool) -> dict:
        """Soft delete / restore of a part and all its stock rows, through the database's one path
        for it (set_part_active: HOD, signature, audit row; no API role may UPDATE deleted_at)."""
        async with self._action(action, user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"], active=False)
            row = await tx.conn.fetchrow("SELECT * FROM public.set_part_active($1, $2, $3, $4::jsonb)",
                                         part["id"], active, b.get("reason"), json.dumps(b["signature"]))
            if not row["success"]:
                status, code = PART_ERRORS.get(row["error_code"], (409, row["error_code"] or "conflict"))
                raise refusal(status, code)
            return {"part_id": str(part["id"]), "active": active, "stock_rows": row["stock_rows"]}

    # -- managers --------------------------------------------------------------------------

    async def reverse_transaction(self, user_id, body) -> dict:
        """Book the opposite change as a signed 'reversed' row pointing at the original."""
        async with self._action("reverse_transaction", user_id, body) as tx:
            b = tx.body
            orig = await tx.conn.fetchrow(
                "SELECT id, stock_id, part_id, transaction_type, quantity_change "
                "FROM pms_inventory_transactions WHERE id = $1 AND yacht_id = $2",
                b["transaction_id"], tx.yacht)
            if orig is None:
                raise ServiceError(404, "transaction_not_found", f"transaction {b['transaction_id']} not found")
            if orig["transaction_type"] not in REVERSIBLE_TYPES:
                raise ServiceError(400, "invalid_reversal",
                                   f"a {orig['transaction_type']} row cannot be reversed")
            if self.precheck_reversal and await tx.conn.fetchval("SELECT EXISTS (SELECT 1 FROM pms_inventory_transactions "
                                      "WHERE reverses_transaction_id = $1)", orig["id"]):
                raise ServiceError(409, "already_reversed", f"transaction {orig['id']} is already reversed")
            row = await tx.move(orig["stock_id"], -orig["quantity_change"], "reversed",
                                reverses_transaction_id=orig["id"], reference_type="inventory_transaction",
                                reference_id=orig["id"], **_signed(b, tx.caller.user_id))
            result = {**_moved(row, orig["stock_id"]), "reverses_transaction_id": str(orig["id"])}
            await tx.audit("inventory_transaction", orig["id"], "reverse_transaction",
                           {"quantity": row["quantity_before"]},
                           {**result, "reason": b["reason"]}, b["signature"])
            return result


    # -- reads and storage: as the caller, so RLS decides what exists ---------------------

    async def part_stock(self, user_id, part_id) -> dict:
        async with self._session(user_id) as tx:
            part = await tx.part(part_id, active=False)
            rows = await tx.conn.fetch(
                "SELECT s.id AS stock_id, s.location_id, l.name AS location, s.quantity, "
                "s.deleted_at IS NOT NULL AS deactivated FROM pms_inventory_stock s "
                "LEFT JOIN pms_part_locations l ON l.id = s.location_id "
                "WHERE s.part_id = $1 AND s.yacht_id = $2 ORDER BY l.name, s.id", part["id"], tx.yacht)
            locations = [jsonable(r) for r in rows]
            return {"part_id": str(part["id"]), "name": part["name"],
                    "deactivated": part["deleted_at"] is not None,
                    "on_hand": sum(r["quantity"] for r in locations if not r["deactivated"]),
                    "locations": locations}

    async def part_transactions(self, user_id, part_id, limit: int = 200) -> dict:
        async with self._session(user_id) as tx:
            part = await tx.part(part_id, active=False)
            rows = await tx.conn.fetch(
                "SELECT * FROM pms_inventory_transactions WHERE part_id = $1 AND yacht_id = $2 "
                "ORDER BY created_at, id LIMIT $3", part["id"], tx.yacht, limit)
            return {"part_id": str(part["id"]), "transactions": [jsonable(r) for r in rows]}

    async def drift(self, user_id) -> dict:
        async with self._session(user_id) as tx:
            rows = await tx.conn.fetch(
                "SELECT * FROM public.check_inventory_drift() WHERE yacht_id = $1", tx.yacht)
            return {"status": "DRIFT" if rows else "OK", "rows": [jsonable(r) for r in rows]}

    def object_name(self, bucket: str, path: str) -> None:
        """Refuse every spelling of an object name but the canonical one (400 invalid_path)."""
        if not (self.rules.object_name(bucket) and self.rules.object_name(path)):
            raise ServiceError(400, "invalid_path", "bucket and path must be '/'-separated names of "
                               "letters, digits and ._~@+=,()- (no '.', '..', '%' or empty segment)")

    async def put_object(self, user_id, bucket: str, path: str, content: bytes,
                         content_type: str = "application/octet-stream") -> dict:
        """Store an object row as the caller; the storage policies accept or refuse it.

        The reference SUT has no blob store: the bytes ride in ``metadata`` (base64),
        so the same policies govern them.  Uploads are capped by the API's body limit.
        """
        self.object_name(bucket, path)
        meta = {"size": len(content), "mimetype": content_type[:200],
                "sha256": hashlib.sha256(content).hexdigest(),
                "content_base64": base64.b64encode(content).decode()}
        async with self._session(user_id, commit=True) as tx:
            object_id = await tx.conn.fetchval(
                "INSERT INTO storage.objects (bucket_id, name, owner, metadata) "
                "VALUES ($1, $2, $3, $4::jsonb) RETURNING id",
                bucket, path, tx.caller.user_id, json.dumps(meta))
        return {"id": str(object_id), "bucket": bucket, "path": path,
                "size": meta["size"], "sha256": meta["sha256"]}

    async def get_object(self, user_id, bucket: str, path: str) -> tuple[bytes, str, dict]:
        """The object's bytes, served as inert data: (content, media type, headers)."""
        self.object_name(bucket, path)
        async with self._session(user_id) as tx:
            meta = await tx.conn.fetchval(
                "SELECT metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2", bucket, path)
        if meta is None:
            raise ServiceError(404, "object_not_found", "no such object readable by the caller")
        meta = json.loads(meta)
        return (base64.b64decode(meta.get("content_base64", "")), self.rules.served_type(meta.get("mimetype")),
                self.rules.served_headers())


JSON_COLUMNS = frozenset({"signature", "metadata", "old_values", "new_values"})


def jsonable(record) -> dict:
    """A record as JSON-ready values (UUIDs/timestamps as strings, jsonb parsed)."""
    out = {}
    for key, value in dict(record).items():
        if key in JSON_COLUMNS and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, (uuid.UUID, datetime)):
            value = str(value) if isinstance(value, uuid.UUID) else value.isoformat()
        out[key] = value
    return out


class _StaleRead(ServiceError):
    """The stock row changed between our read and the locking function (adjust retries)."""

    def __init__(self):
        super().__init__(409, "conflict", "stale read")
