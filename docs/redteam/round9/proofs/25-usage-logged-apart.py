"""A consume that is refused (insufficient_stock) leaves a usage row behind."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand", {"part_id": part("impeller"), "location_id": loc(), "quantity": 999})


async def usage_rows():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_part_usage WHERE quantity = 999")
    finally:
        await conn.close()

n = asyncio.run(usage_rows())
print("status", r.status_code, "usage rows of the refused call", n)
verdict(r.status_code == 409 and n > 0, "a refused consume left a pms_part_usage row")
