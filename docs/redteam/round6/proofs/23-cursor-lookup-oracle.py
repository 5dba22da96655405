"""Yacht a's deckhand pages its impeller history with after=<id>: yacht b's transaction id is
accepted (200), a made-up id is refused (400 invalid_cursor): another yacht's ledger ids are
confirmable one by one (CONTRACT section 11.1: error codes depend on another yacht's data)."""
import asyncio
import uuid

import asyncpg

from _http import DSN, api, hdr, part, verdict


async def b_transaction():
    conn = await asyncpg.connect(DSN)   # the attacker's guess; here taken from the database
    try:
        return await conn.fetchval("SELECT id FROM pms_inventory_transactions "
                                   "WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' LIMIT 1")
    finally:
        await conn.close()

tb = asyncio.run(b_transaction())
with api() as c:
    url = f"/v1/parts/{part('impeller')}/transactions?after="
    rb = c.get(url + str(tb), headers=hdr("deckhand@a"))
    rn = c.get(url + str(uuid.uuid4()), headers=hdr("deckhand@a"))
    print(rb.status_code, rb.text[:200]); print(rn.status_code, rn.text[:200])
    verdict(rb.status_code != rn.status_code)
