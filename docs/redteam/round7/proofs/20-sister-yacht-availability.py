"""Yacht a's deckhand reads its own part's stock and learns yacht b's quantity of the same part number;
the answer changes when yacht b consumes (§11.1: nothing observable depends on another yacht's data)."""
import asyncio

import asyncpg

from _http import DSN, api, hdr, part, stock, verdict


async def b_consumes():
    conn = await asyncpg.connect(DSN)
    try:
        await conn.execute("SELECT * FROM deduct_stock_inventory($1, 5, $2, 'consumed', '{}'::jsonb)",
                           stock("impeller", "b"), "bb0fb680-e2ab-5333-a4af-4a7395ba2dcd")
    finally:
        await conn.close()

with api() as c:
    r1 = c.get(f"/v1/parts/{part('impeller')}/stock", headers=hdr("deckhand@a"))
    asyncio.run(b_consumes())
    r2 = c.get(f"/v1/parts/{part('impeller')}/stock", headers=hdr("deckhand@a"))
    print(r1.status_code, r1.text[:300]); print(r2.status_code, r2.text[:300])
    verdict(r1.status_code == 200 and r1.text != r2.text, "yacht a's answer tracks yacht b's stock")
