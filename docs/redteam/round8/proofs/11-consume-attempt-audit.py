"""A refused consume (more than on hand) leaves an audit row behind (CONTRACT §11.3: a 4xx leaves no row)."""
import asyncio
import asyncpg
from _http import api, loc, part, post, verdict, DSN

async def count():
    conn = await asyncpg.connect(DSN)
    n = await conn.fetchval("SELECT count(*) FROM pms_audit_log")
    await conn.close()
    return n

with api() as c:
    before = asyncio.run(count())
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("gasket"), "location_id": loc(), "quantity": 50})
    after = asyncio.run(count())
    verdict(r.status_code >= 400 and after > before, f"refused with {r.status_code}; audit rows {before} -> {after}")
