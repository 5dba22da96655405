"""Yacht b has a drifting stock row (a legacy import set its quantity); yacht a's deckhand sees it
through GET /v1/drift."""
import asyncio

import asyncpg

from _http import DSN, api, hdr, stock, verdict


async def drift_on_b():
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute("UPDATE pms_inventory_stock SET quantity = quantity + 7 WHERE id = $1", stock("impeller", "b"))
    finally:
        await conn.close()

asyncio.run(drift_on_b())
with api() as c:
    r = c.get("/v1/drift", headers=hdr("deckhand@a"))
    print(r.status_code, r.text[:400])
    verdict(r.status_code == 200 and stock("impeller", "b") in r.text, "yacht b's stock row appears in yacht a's drift report")
