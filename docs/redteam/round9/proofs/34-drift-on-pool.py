"""Yacht a crew's GET /v1/drift lists yacht b's stock rows (ids, quantities)."""
import asyncio

import asyncpg

from _http import DSN, api, hdr, stock, verdict


async def make_drift():  # yacht b's own data drifts (e.g. a legacy writer); not the attacker's doing
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute("UPDATE pms_inventory_stock SET quantity = 99 WHERE id = $1::uuid", stock("impeller", "b"))
    finally:
        await conn.close()

asyncio.run(make_drift())
with api() as c:
    r = c.get("/v1/drift", headers=hdr("deckhand"))
    print(r.status_code, r.text[:300])
    rows = r.json().get("rows", []) if r.status_code == 200 else []
    verdict(any(x.get("stock_id") == stock("impeller", "b") for x in rows), "yacht b's drift shown to yacht a")
