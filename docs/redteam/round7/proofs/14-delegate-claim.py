"""Deckhand of yacht a presents a token whose app_metadata names the manager; reverses a row
with a signature "of" the manager (§11.4: no claim but sub grants anything)."""
import json

from _http import api, hdr, sig, stock, user_id, verdict, DSN
import asyncio, asyncpg

async def opening_tx():
    conn = await asyncpg.connect(DSN)
    try:
        return str(await conn.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1", stock("filter")))
    finally:
        await conn.close()

tx = asyncio.run(opening_tx())
with api() as c:
    h = hdr("deckhand@a", app_metadata={"delegate_for": str(user_id("manager@a"))})
    body = {"transaction_id": tx, "reason": "red team", "signature": sig("manager@a", "manager")}
    r = c.post("/v1/actions/reverse_transaction", headers=h, content=json.dumps(body))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, "a deckhand reversed a ledger row as the manager")
