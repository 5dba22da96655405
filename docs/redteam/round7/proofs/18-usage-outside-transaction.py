"""A refused consume (insufficient stock, 409) still leaves a usage row behind (§11.3)."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict


async def usage_rows():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_part_usage WHERE part_id = $1", part("gasket"))
    finally:
        await conn.close()

before = asyncio.run(usage_rows())
with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("gasket"), "location_id": loc(), "quantity": 999})
after = asyncio.run(usage_rows())
print("usage rows", before, "->", after)
verdict(r.status_code == 409 and after > before, "a refused consume left a usage row")
