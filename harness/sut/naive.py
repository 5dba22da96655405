"""DELIBERATE DEFECT: the handler as it was found in the field (never the default).

``NaiveInventoryService`` reproduces the race the lens was built to remove:
consume and receive read the stock quantity without a lock, check it in Python,
wait a moment (as a real handler does between its round trips), then write the
ledger row and an absolute ``UPDATE ... SET quantity = <value computed in
Python>`` directly, bypassing ``deduct_stock_inventory`` / ``add_stock_inventory``.
Two concurrent consumers of the last units both "win" (a lost update; the ledger
and the stock then disagree), two concurrent receives end with one receive lost.

It runs as the pool's own login (no ``authenticated`` role, no RLS) because the
field code used a service key; the yacht is still the caller's.  It exists only
so the concurrency suite can prove it catches this race: selected with
``--lens-sut naive`` / ``create_app(..., variant="naive")``.
"""
from __future__ import annotations

import asyncio

from harness.sut import ServiceError
from harness.sut.service import InventoryService, Tx


class NaiveInventoryService(InventoryService):
    """Read-check-write without a lock.  A known-bad handler for mutation testing."""

    variant = "naive"

    def __init__(self, pool, *, large_adjust_threshold: int = 10, race_delay: float = 0.005):
        super().__init__(pool, large_adjust_threshold=large_adjust_threshold)
        self.race_delay = race_delay   # the window between the read and the write

    async def consume_part(self, user_id, body) -> dict:
        async with self._action("consume_part", user_id, body, as_owner=True) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]))
            if stock["quantity"] < b["quantity"]:        # checked on a stale, unlocked read
                raise ServiceError(409, "insufficient_stock", "not enough stock")
            usage_id = await tx.conn.fetchval(
                "INSERT INTO pms_part_usage (yacht_id, part_id, work_order_id, quantity, usage_reason, "
                "notes, used_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                tx.yacht, part["id"], b["work_order_id"], b["quantity"], b["usage_reason"],
                b["notes"], tx.caller.user_id)
            result = await self._blind_write(tx, part, stock, -b["quantity"], "consumed",
                                             b["idempotency_key"], usage_id)
            return {**result, "usage_id": str(usage_id)}

    async def receive_part(self, user_id, body) -> dict:
        async with self._action("receive_part", user_id, body, as_owner=True) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            stock = await tx.stock(part, await tx.location(b["location_id"]), create=True)
            original = await tx.conn.fetchval(
                "SELECT id FROM pms_inventory_transactions WHERE yacht_id = $1 AND idempotency_key = $2",
                tx.yacht, b["idempotency_key"])
            if original:
                raise ServiceError(409, "duplicate_request", "idempotency key already used",
                                   {"transaction_id": str(original)})
            return await self._blind_write(tx, part, stock, b["quantity"], "received",
                                           b["idempotency_key"], None)

    async def _blind_write(self, tx: Tx, part, stock, change: int, ttype: str, key, usage_id) -> dict:
        """THE DEFECT: no FOR UPDATE, an absolute quantity computed from the earlier read."""
        await asyncio.sleep(self.race_delay)
        before, after = stock["quantity"], stock["quantity"] + change
        await tx.conn.execute("UPDATE pms_inventory_stock SET quantity = $2 WHERE id = $1",
                              stock["id"], after)
        tx_id = await tx.conn.fetchval(
            "INSERT INTO pms_inventory_transactions (yacht_id, stock_id, part_id, transaction_type, "
            "quantity_change, quantity_before, quantity_after, idempotency_key, usage_id, user_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            tx.yacht, stock["id"], part["id"], ttype, change, before, after, key, usage_id,
            tx.caller.user_id)
        result = {"transaction_id": str(tx_id), "stock_id": str(stock["id"]),
                  "quantity_before": before, "quantity_after": after}
        action = "consume_part" if ttype == "consumed" else "receive_part"
        await tx.audit("part", part["id"], action, {"quantity": before}, result)
        return result
