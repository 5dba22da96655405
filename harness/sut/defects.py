"""Handler defects for the mutation self-test (docs/MUTANTS.md). Each class is one small,
named, deliberate deviation from the reference handler; none is ever a default."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

from harness.roles import allowed_any
from harness.sut import ServiceError
from harness.sut.rules import SIGNATURE_KEYS, UUID_RE, InputRules
from harness.sut.service import InventoryService, Tx, jsonable, refusal


class _AuditNullTx(Tx):
    @staticmethod
    def audit_signature(signature: dict | None) -> str | None:
        return json.dumps(signature) if signature else None


class AuditSignatureNullService(InventoryService):
    """Unsigned actions leave the audit signature NULL instead of '{}' (CONTRACT section 3)."""

    variant = "audit_signature_null"
    tx_class = _AuditNullTx


class LargeAdjustUnsignedService(InventoryService):
    """The large-adjust signature check is skipped: any stocktake change goes through unsigned."""

    variant = "large_adjust_unsigned"

    def __init__(self, pool, **options):
        super().__init__(pool, **options)
        self.large_adjust_threshold = 2**31


class _InsufficientAs400Tx(Tx):
    function_errors = {**Tx.function_errors, "insufficient_stock": (400, "insufficient_stock")}


class InsufficientAs400Service(InventoryService):
    """Insufficient stock is answered 400 instead of 409 (a client would not know to re-read)."""

    variant = "insufficient_as_400"
    tx_class = _InsufficientAs400Tx


class _NoIdempotencyTx(Tx):
    async def move(self, stock_id, change, ttype, **details):
        details.pop("idempotency_key", None)
        return await super().move(stock_id, change, ttype, **details)


class IgnoresIdempotencyService(InventoryService):
    """The handler never passes the idempotency key on: a retried receive books twice."""

    variant = "ignores_idempotency_key"
    tx_class = _NoIdempotencyTx


class _IgnoresDeactivationTx(Tx):
    enforce_deactivation = False


class IgnoresDeactivationService(InventoryService):
    """The handler does not check deactivation itself (paired with SQL mutants that drop the
    database's soft-delete guards, so nothing refuses a deactivated part)."""

    variant = "ignores_deactivation"
    tx_class = _IgnoresDeactivationTx


class NoTransferValidationService(InventoryService):
    """The handler lets a transfer from a location to itself through validation (paired with the
    SQL mutant that drops the database's transfer check)."""

    variant = "no_transfer_validation"

    def validate_body(self, action, body, user_id, roles):
        same = (action == "transfer_part" and isinstance(body, dict)
                and body.get("from_location_id") == body.get("to_location_id"))
        if not same:
            return super().validate_body(action, body, user_id, roles)
        parsed = super().validate_body(action, {**body, "to_location_id": str(uuid.uuid4())}, user_id, roles)
        return {**parsed, "to_location_id": parsed["from_location_id"]}


class NoReversalPrecheckService(InventoryService):
    """The handler does not look for an earlier reversal (paired with SQL mutants that drop the
    database's reversal uniqueness), so a transaction can be reversed twice."""

    variant = "no_reversal_precheck"
    precheck_reversal = False


# -- input-rule defects: each re-opens one hole a black-box probe found (issue 14) ------------

class _LenientUuidRules(InputRules):
    def uuid(self, value):
        try:
            return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
        except (TypeError, ValueError, AttributeError):
            return None


class LenientUuidService(InventoryService):
    """Ids parsed with ``uuid.UUID``: braces, ``urn:uuid:``, no hyphens, a leading space or
    non-ASCII digits all pass (a space read as another id)."""

    variant = "lenient_uuid"
    rules = _LenientUuidRules()


class _UnicodeDigitRules(InputRules):
    def ascii_int(self, text):
        return int(text) if text.isdigit() else None


class UnicodeDigitService(InventoryService):
    """Integers read with ``isdigit()`` + ``int()``: ``２`` and ``٣`` are accepted, ``²`` is a 500."""

    variant = "unicode_digits"
    rules = _UnicodeDigitRules()


class _EchoedKeyRules(InputRules):
    def key_ok(self, key):
        return True


class EchoedKeyService(InventoryService):
    """Any JSON key is echoed in the unknown-field error: a lone surrogate makes the response
    encoder fail (a 500)."""

    variant = "echoes_any_key"
    rules = _EchoedKeyRules()


class _ActiveContentRules(InputRules):
    def served_type(self, stored):
        return stored or "application/octet-stream"

    def served_headers(self):
        return {}


class ActiveContentService(InventoryService):
    """Uploads are served back with the uploader's content type, sniffable and inline: a
    ``text/html`` upload is a stored XSS."""

    variant = "storage_active_content"
    rules = _ActiveContentRules()


class _LooseNameRules(InputRules):
    def object_name(self, path):
        return bool(path) and len(path) <= 1024 and "\x00" not in path and path.isprintable()


class LooseObjectNameService(InventoryService):
    """Object names are only checked for printability: ``%2e%2e``, ``./``, ``a//b``, a trailing
    ``/.`` and U+FFFD from invalid escapes are all second names for one object."""

    variant = "noncanonical_object_names"
    rules = _LooseNameRules()


class _StringExpRules(InputRules):
    def numeric_claims(self, claims):
        return True


class StringExpService(InventoryService):
    """Token claims are not type-checked: ``exp`` as a string (PyJWT casts it) is accepted."""

    variant = "string_exp"
    rules = _StringExpRules()


class _ExtraKeysRules(InputRules):
    def signature_keys(self, value):
        return set(SIGNATURE_KEYS) <= set(value)


class SignatureExtraKeysService(InventoryService):
    """Signatures may carry any extra keys (stored forever in the ledger and audit)."""

    variant = "signature_extra_keys"
    rules = _ExtraKeysRules()


class _FutureSignatureRules(InputRules):
    signature_ahead = timedelta(days=36500)


class FutureSignatureService(InventoryService):
    """``signed_at`` may lie a century ahead: a signature dated next year passes."""

    variant = "signature_future_signed_at"
    rules = _FutureSignatureRules()


class _DayAheadSignatureRules(InputRules):
    signature_ahead = timedelta(days=1)


class DayAheadSignatureService(InventoryService):
    """The clock-skew allowance of ``signed_at`` widened from 5 minutes to a day (issue 20)."""

    variant = "signature_window_a_day"
    rules = _DayAheadSignatureRules()


class _StaleSignatureRules(InputRules):
    signature_max_age = timedelta(days=36500)


class StaleSignatureService(InventoryService):
    """``signed_at`` may lie a century back: a signature kept from an earlier approval passes
    (paired with a database that re-stamps it, so only the actions whose path does show it)."""

    variant = "signature_stale_signed_at"
    rules = _StaleSignatureRules()


class _StripBlankRules(InputRules):
    def blank(self, text):
        return not text.strip()


class BlankReasonService(InventoryService):
    """Blank is ``str.strip()``-blank: a reason of zero-width spaces or bidi marks passes."""

    variant = "invisible_text"
    rules = _StripBlankRules()


class _LeakyTx(Tx):
    async def move(self, stock_id, change, ttype, **details):
        try:
            return await super().move(stock_id, change, ttype, **details)
        except ServiceError as exc:
            fn = "add_stock_inventory" if change > 0 else "deduct_stock_inventory"
            raise ServiceError(exc.status, exc.code, f"{fn}: {exc.code}", exc.extra) from None


class LeakyErrorsService(InventoryService):
    """Refusals of the stock functions name the function (``deduct_stock_inventory: ...``)
    instead of the rule the request broke."""

    variant = "leaky_errors"
    tx_class = _LeakyTx


# -- red-team defects that passed the gate once (docs/redteam/) -----------------------------------

class _PrefixUuidRules(InputRules):
    def uuid(self, value):
        if isinstance(value, uuid.UUID):
            return value
        if not isinstance(value, str) or not UUID_RE.match(value):
            return None
        return uuid.UUID(value)


class PrefixUuidService(InventoryService):
    """The id rule checks a prefix (``match``, not ``fullmatch``): a valid id with trailing junk
    passes the rule and ``uuid.UUID`` then raises (a 500) or reads it as the id (red team handler-05)."""

    variant = "uuid_prefix_match"
    rules = _PrefixUuidRules()


class StaleAdjustService(InventoryService):
    """An absolute adjust applies ``new - read`` without checking the row did not move between
    the read and the locked update: racing a consume, it lands off its target (red team handler-06)."""

    variant = "adjust_stale_read"
    check_stale_adjust = False


class NoHeaderTimeoutService(InventoryService):
    """The server waits for a request head forever: slow sockets hold connections open."""

    variant = "no_header_timeout"
    header_read_timeout = False


class NoBodyTimeoutService(InventoryService):
    """The handler waits for a request body forever: a slow sender holds a worker and a pool slot."""

    variant = "no_body_timeout"
    body_read_timeout = False


class RolesAnyYachtService(InventoryService):
    """The caller's roles are read from every yacht it holds one on, not its profile's: a captain
    moved to another yacht (its old row never deactivated) keeps captain powers there (red team
    round 2, 02, at the API)."""

    variant = "roles_any_yacht"
    roles_on = "r.user_id = p.id AND r.is_active"


class _ForeignPartMessageTx(Tx):
    async def part(self, part_id, *, active: bool = True):
        try:
            return await super().part(part_id, active=active)
        except ServiceError as exc:
            if exc.code == "part_not_found" and await self._exists_anywhere(part_id):
                raise ServiceError(404, "part_not_found", f"part {part_id} belongs to another yacht") from None
            raise

    async def _exists_anywhere(self, part_id) -> bool:
        """The error path asks with the backend's own rights (past row-level security)."""
        await self.conn.execute("RESET ROLE")
        try:
            return await self.conn.fetchval("SELECT EXISTS (SELECT 1 FROM pms_parts WHERE id = $1)", part_id)
        finally:
            await self.conn.execute("SET LOCAL ROLE authenticated")


class ForeignPartMessageService(InventoryService):
    """Another yacht's part is refused with the status and code of an unknown one, but the
    message says it exists elsewhere: a cross-tenant existence oracle (red team round 4)."""

    variant = "foreign_part_message"
    tx_class = _ForeignPartMessageTx


class _ClaimedUserRules(InputRules):
    def subject(self, claims, sub):
        return self.uuid(claims.get("user_id")) or sub


class ClaimedUserService(InventoryService):
    """A ``user_id`` claim, when the token carries one, names the caller instead of ``sub`` (an
    admin tool "acting for" a crew member): any client that adds the claim to its own token is
    that user (CONTRACT §11.4; the class of red team round 4's 43 and 44, another claim)."""

    variant = "claimed_user_id"
    rules = _ClaimedUserRules()


class _ForYacht(str):
    """A caller's user id that also names the yacht a request asked for."""

    yacht: uuid.UUID


class SupportTenantHeaderService(InventoryService):
    """A help-desk channel: a token whose top-level ``channel`` claim says ``support`` reads the
    drift report of the yacht its ``X-Tenant-Id`` header names, on the backend's own login.  Any
    client may add the claim to its own token (CONTRACT §11.4: authority comes from ``sub`` and
    the database; §11.1: it reads another yacht)."""

    variant = "support_tenant_header"

    def caller(self, claims: dict, headers) -> str:
        sub, tenant = super().caller(claims, headers), self.rules.uuid(headers.get("x-tenant-id") or "")
        if claims.get("channel") != "support" or tenant is None:
            return sub
        acting = _ForYacht(sub)
        acting.yacht = tenant
        return acting

    async def drift(self, user_id) -> dict:
        if not isinstance(user_id, _ForYacht):
            return await super().drift(user_id)
        rows = await self.pool.fetch("SELECT * FROM public.check_inventory_drift() WHERE yacht_id = $1", user_id.yacht)
        return {"status": "DRIFT" if rows else "OK", "rows": [jsonable(r) for r in rows]}


class PrinterBucketsOnPoolService(InventoryService):
    """Objects of the ``pms-*`` buckets (printer-facing, "not sensitive") are looked up on the
    pool's own login once the token is verified: past row-level security, any yacht's object is
    served.  A bucket served another way than the others (CONTRACT §5, §11.1)."""

    variant = "printer_buckets_on_pool"

    async def get_object(self, user_id, bucket: str, path: str) -> tuple[bytes, str, dict]:
        if not bucket.startswith("pms-"):
            return await super().get_object(user_id, bucket, path)
        self.object_name(bucket, path)
        meta = await self.pool.fetchval("SELECT metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2",
                                        bucket, path)
        if meta is None:
            raise ServiceError(404, "object_not_found", "no such object readable by the caller")
        meta = json.loads(meta)
        return base64.b64decode(meta.get("content_base64", "")), "application/octet-stream", self.rules.served_headers()


class WriteOffReordersFirstService(InventoryService):
    """A write-off files the replacement order (a shopping-list line for the part) in its own
    short transaction before it books the write-off: a write-off then refused (a signature not
    the caller's, too many units) has left the order behind (CONTRACT §11.3: a refused request
    leaves no row)."""

    variant = "write_off_reorders_first"

    async def write_off_part(self, user_id, body) -> dict:
        async with self._session(user_id, commit=True) as tx:
            part = await tx.part(body["part_id"])
            await tx.conn.execute(
                "INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, status, "
                "source_type, created_by) VALUES ($1, $2, $3, 1, 'pending', 'inventory_lens', $4)",
                tx.yacht, part["id"], part["name"], tx.caller.user_id)
        return await super().write_off_part(user_id, body)


class _ReplayCacheTx(Tx):
    #: key -> transaction id, for the whole process: every yacht's keys in one map.
    replayed: dict[str, str] = {}

    async def move(self, stock_id, change, ttype, **details):
        key = details.get("idempotency_key")
        if key in self.replayed:
            raise refusal(409, "duplicate_request", {"transaction_id": self.replayed[key]})
        row = await super().move(stock_id, change, ttype, **details)
        if key:
            self.replayed[key] = str(row["transaction_id"])
        return row


class FleetReplayCacheService(InventoryService):
    """A retry storm fix: the handler remembers each idempotency key it booked and answers a
    repeat from memory, before the database is asked.  The map is keyed by the key alone, so a
    key another yacht used is a "duplicate" here too, and the 409 carries that yacht's
    transaction id (CONTRACT §4: the same key is fine on another yacht; §11.1)."""

    variant = "fleet_replay_cache"
    tx_class = _ReplayCacheTx


class HeadsReadYachtFilesService(InventoryService):
    """A head of department reads any file of its own yacht: an object RLS does not return to
    the caller is looked up again on the pool's own login when the caller holds a HOD role and
    the name lies under its yacht's prefix ("HODs see the whole yacht's files") — every folder
    the storage policies keep from them is served (CONTRACT §5)."""

    variant = "heads_read_yacht_files"

    async def get_object(self, user_id, bucket: str, path: str) -> tuple[bytes, str, dict]:
        try:
            return await super().get_object(user_id, bucket, path)
        except ServiceError as exc:
            async with self._session(user_id) as tx:
                head = allowed_any(tx.caller.roles, "transfer_part") and path.split("/")[0] == str(tx.yacht)
            meta = head and await self.pool.fetchval(
                "SELECT metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2", bucket, path)
            if not meta:
                raise exc from None
            meta = json.loads(meta)
            return base64.b64decode(meta.get("content_base64", "")), "application/octet-stream", self.rules.served_headers()
