"""A consume books a consumed ledger row that does not carry its usage_id."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand", {"part_id": part("impeller"), "location_id": loc(), "quantity": 1})


async def usage_of(tx_id):
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT usage_id FROM pms_inventory_transactions WHERE id = $1::uuid", tx_id)
    finally:
        await conn.close()

u = asyncio.run(usage_of(r.json()["transaction_id"])) if r.status_code == 200 else "n/a"
print("ledger usage_id", u)
verdict(r.status_code == 200 and u is None, "a consumed row without usage_id")
