"""Handler defects for the mutation self-test (docs/MUTANTS.md). Each class is one small,
named, deliberate deviation from the reference handler; none is ever a default."""

from __future__ import annotations

import json

from harness.sut.service import InventoryService, Tx


class _AuditNullTx(Tx):
    async def audit(self, entity_type, entity_id, action, old, new, signature=None) -> None:
        await self.conn.execute(
            "INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, old_values, new_values, signature) "
            "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)",
            self.yacht, entity_type, entity_id, action, self.caller.user_id,
            json.dumps(old, default=str) if old is not None else None,
            json.dumps(new, default=str) if new is not None else None,
            json.dumps(signature) if signature else None)


class AuditSignatureNullService(InventoryService):
    """Unsigned actions leave the audit signature NULL instead of '{}' (CONTRACT section 3)."""

    variant = "audit_signature_null"
    tx_class = _AuditNullTx
