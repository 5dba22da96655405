"""A consume retried with the same idempotency key: answered 200 "replayed" instead of 409
duplicate_request (CONTRACT section 7), and the retry's usage row is committed with it: one
ledger row, two usage rows (section 11.3: a refused call leaves no row)."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

body = {"part_id": part("filter"), "location_id": loc(), "quantity": 2, "idempotency_key": "WO-88-filter"}
with api() as c:
    r1 = post(c, "consume_part", "deckhand@a", body)
    r2 = post(c, "consume_part", "deckhand@a", body)


async def counts():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_part_usage")
    finally:
        await conn.close()

n = asyncio.run(counts())
print("usage rows:", n)
verdict(r1.status_code == 200 and r2.status_code == 200 and n == 2)
