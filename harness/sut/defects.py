"""Handler defects for the mutation self-test (docs/MUTANTS.md). Each class is one small,
named, deliberate deviation from the reference handler; none is ever a default."""

from __future__ import annotations

import json
import uuid

from harness.sut.service import InventoryService, Tx


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

    @staticmethod
    def validate_body(action, body, user_id, roles):
        same = (action == "transfer_part" and isinstance(body, dict)
                and body.get("from_location_id") == body.get("to_location_id"))
        if not same:
            return InventoryService.validate_body(action, body, user_id, roles)
        parsed = InventoryService.validate_body(action, {**body, "to_location_id": str(uuid.uuid4())}, user_id, roles)
        return {**parsed, "to_location_id": parsed["from_location_id"]}


class NoReversalPrecheckService(InventoryService):
    """The handler does not look for an earlier reversal (paired with SQL mutants that drop the
    database's reversal uniqueness), so a transaction can be reversed twice."""

    variant = "no_reversal_precheck"
    precheck_reversal = False
