"""Handler defect proofs: python hproof.py NAME URL DSN  (against `lens-harness serve` of a patched tree).

Prints what the patched handler answered and what the database then holds; run it against an
unpatched `serve` too to see the reference answer."""
import asyncio, json, sys, uuid
from datetime import UTC, datetime
import asyncpg, httpx
from harness.config import Settings
from harness.seed import demo_id, user_id
from harness.sut.auth import mint

NAME, URL, DSN = sys.argv[1], sys.argv[2], sys.argv[3]
P = lambda k, y="a": str(demo_id("part", y, k))
L = lambda k, y="a": str(demo_id("location", y, k))
ER, BS = "engine-room-locker", "bosun-store"

def tok(handle): return mint(user_id(handle), Settings.jwt_secret)
def sig(handle, role=None, reason="proof"):
    return {"user_id": str(user_id(handle)), "role_at_signing": role or handle.split("@")[0],
            "signature_type": "approval", "reason": reason, "signed_at": datetime.now(UTC).isoformat()}

async def main():
    c = httpx.AsyncClient(base_url=URL, timeout=60)
    db = await asyncpg.connect(DSN)
    async def act(handle, action, body):
        r = await c.post(f"/v1/actions/{action}", json=body, headers={"Authorization": f"Bearer {tok(handle)}"})
        print(f"  {handle:18} {action:22} -> {r.status_code} {r.text[:220]}")
        return r
    async def get(handle, path):
        r = await c.get(path, headers={"Authorization": f"Bearer {tok(handle)}"})
        print(f"  {handle:18} GET {path[:60]:60} -> {r.status_code} {r.text[:300]}")
        return r
    stock = lambda p, l: db.fetchval("SELECT id FROM pms_inventory_stock WHERE part_id=$1 AND location_id=$2", uuid.UUID(p), uuid.UUID(l))
    if NAME.startswith("31"):
        await act("chief_engineer@a", "adjust_stock_quantity", {"part_id": P("impeller"), "location_id": L(ER), "new_quantity": 2})
    elif NAME.startswith("32"):
        await act("chief_engineer@a", "write_off_part", {"part_id": P("impeller"), "location_id": L(ER), "quantity": 1,
                   "reason": "seized", "signature": sig("chief_engineer@a", role="captain")})
    elif NAME.startswith("33"):
        body = {"part_id": P("filter"), "location_id": L(ER), "quantity": 5, "idempotency_key": "DN-2026-0042"}
        await act("deckhand@a", "receive_part", body); await act("bosun@a", "receive_part", body)
    elif NAME.startswith("34"):
        await act("deckhand@a", "consume_part", {"part_id": P("filter"), "location_id": L(ER), "quantity": 3000000000})
    elif NAME.startswith("35"):
        await get("deckhand@a", f"/v1/parts/{P('filter')}/transactions?limit=abc")
    elif NAME.startswith("36"):
        await get("deckhand@a", f"/v1/parts/{P('filter', 'b')}/transactions")
    elif NAME.startswith("37") or NAME.startswith("38"):
        await act("chief_engineer@a", "transfer_part", {"part_id": P("filter"), "from_location_id": L(ER), "to_location_id": L(BS), "quantity": 2})
        rows = await db.fetch("SELECT transaction_type, transfer_group_id FROM pms_inventory_transactions WHERE transfer_group_id IS NOT NULL")
        print("  ledger legs:", [(r[0], str(r[1])[:8]) for r in rows])
        print("  audit rows for transfer_part:", await db.fetchval("SELECT count(*) FROM pms_audit_log WHERE action='transfer_part'"))
    elif NAME.startswith("39"):
        await act("captain@a", "deactivate_part", {"part_id": P("filter"), "reason": "superseded", "signature": sig("captain@a")})
        sid = await stock(P("filter"), L(ER))
        async with db.transaction():
            await db.execute("SET LOCAL ROLE authenticated")
            await db.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps({"sub": str(user_id("deckhand@a")), "role": "authenticated"}))
            r = await db.fetchrow("SELECT * FROM deduct_stock_inventory($1, 3)", sid)
        print("  deckhand rpc/deduct_stock_inventory on the deactivated part's stock:", dict(r))
    elif NAME.startswith("40"):
        sid = await stock(P("filter"), L(ER))
        before = await db.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id=$1", sid)
        # hold the row while the adjust reads it, then let a consume through first
        lock = await asyncpg.connect(DSN); tr = lock.transaction(); await tr.start()
        await lock.execute("SELECT 1 FROM pms_inventory_stock WHERE id=$1 FOR UPDATE", sid)
        adj = asyncio.create_task(act("chief_engineer@a", "adjust_stock_quantity", {"part_id": P("filter"), "location_id": L(ER), "new_quantity": 25}))
        await asyncio.sleep(1.0)
        await lock.execute("UPDATE pms_inventory_stock SET quantity = quantity - 4 WHERE id=$1", sid)
        await lock.execute("INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change) SELECT yacht_id, id, 'consumed', -4 FROM pms_inventory_stock WHERE id=$1", sid)
        await tr.commit(); await adj
        print(f"  stock was {before}, stocktake said 25, a consume of 4 landed meanwhile; now:",
              await db.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id=$1", sid))
    elif NAME.startswith("41"):
        n0 = await db.fetchval("SELECT count(*) FROM pms_part_usage")
        await act("deckhand@a", "consume_part", {"part_id": P("gasket"), "location_id": L(ER), "quantity": 999, "usage_reason": "overhaul"})
        print("  usage rows before/after the refused consume:", n0, await db.fetchval("SELECT count(*) FROM pms_part_usage"))
    elif NAME.startswith("42"):
        await act("captain@a", "write_off_part", {"part_id": P("filter"), "location_id": L(ER), "quantity": 1, "reason": "damaged", "signature": sig("captain@a")})
        print("  ledger write_off signature:", await db.fetchval("SELECT signature FROM pms_inventory_transactions WHERE transaction_type='write_off'"))
    elif NAME.startswith("43"):
        await act("deckhand@a", "receive_part", {"part_id": P("filter"), "location_id": L(ER), "quantity": 5})
    elif NAME.startswith("44"):
        await act("chief_engineer@a", "transfer_part", {"part_id": P("filter"), "from_location_id": L(ER), "to_location_id": L(BS), "quantity": 2})
        out = await db.fetchval("SELECT id FROM pms_inventory_transactions WHERE transaction_type='transferred_out'")
        await act("captain@a", "reverse_transaction", {"transaction_id": str(out), "reason": "mis-scan", "signature": sig("captain@a")})
        r = await get("captain@a", f"/v1/parts/{P('filter')}/stock")
    elif NAME.startswith("45"):
        body = lambda a, b: {"part_id": P("filter"), "from_location_id": L(a), "to_location_id": L(b), "quantity": 1}
        await act("chief_engineer@a", "transfer_part", body(ER, BS))
        res = await asyncio.gather(*[act("chief_engineer@a" if i % 2 else "captain@a", "transfer_part", body(ER, BS) if i % 2 else body(BS, ER)) for i in range(16)])
        print("  statuses:", sorted(r.status_code for r in res))
    elif NAME.startswith("46"):
        await act("captain@a", "deactivate_part", {"part_id": P("gasket"), "reason": "obsolete", "signature": sig("captain@a")})
        await act("captain@a", "reactivate_part", {"part_id": P("gasket")})
    await c.aclose(); await db.close()

asyncio.run(main())
