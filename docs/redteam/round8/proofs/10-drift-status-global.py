"""Yacht b's stock drifts (a legacy import wrote its quantity); deckhand@a's /v1/drift says DRIFT with no row of its own."""
import asyncio, sys
import asyncpg
from _http import api, hdr, verdict, DSN

async def drift_b():
    conn = await asyncpg.connect(DSN)   # the state: b's filter quantity written outside the ledger
    await conn.execute("UPDATE pms_inventory_stock SET quantity = quantity + 5 WHERE id = 'e0079cb2-2512-5065-b828-b663137afae8'")
    await conn.close()

with api() as c:
    before = c.get("/v1/drift", headers=hdr("deckhand@a")).json()
    asyncio.run(drift_b())
    after = c.get("/v1/drift", headers=hdr("deckhand@a")).json()
    print("before", before, "after", after)
    verdict(before != after, f"a's drift answer {before['status']} -> {after['status']} when only yacht b drifted")
