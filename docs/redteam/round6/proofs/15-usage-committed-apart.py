"""A deckhand of yacht a consumes 99 gaskets (4 in stock): the call is refused (409
insufficient_stock) yet a usage row of 99 gaskets stays behind (CONTRACT section 11.3)."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a",
             {"part_id": part("gasket"), "location_id": loc(), "quantity": 99, "usage_reason": "overhaul"})


async def usage():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_part_usage")
    finally:
        await conn.close()

n = asyncio.run(usage())
print("usage rows:", n)
verdict(r.status_code == 409 and n > 0)
