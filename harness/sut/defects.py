"""Handler defects for the mutation self-test (docs/MUTANTS.md). Each class is one small,
named, deliberate deviation from the reference handler; none is ever a default."""

from __future__ import annotations

import json

from harness.sut.service import InventoryService, Tx


class _AuditNullTx(Tx):
    @staticmethod
    def audit_signature(signature: dict | None) -> str | None:
        return json.dumps(signature) if signature else None


class AuditSignatureNullService(InventoryService):
    """Unsigned actions leave the audit signature NULL instead of '{}' (CONTRACT section 3)."""

    variant = "audit_signature_null"
    tx_class = _AuditNullTx
