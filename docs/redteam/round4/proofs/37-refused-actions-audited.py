"""37: a refused consume (insufficient stock, 409) leaves an audit row behind."""
import asyncio, os
import asyncpg
from api import call, part, loc, verdict

async def audit_rows():
    conn = await asyncpg.connect(os.environ["DSN"])
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_audit_log")
    finally:
        await conn.close()

before = asyncio.run(audit_rows())
r = call("deckhand@a", "consume_part", {"part_id": part("a"), "location_id": loc("a"), "quantity": 999})
after = asyncio.run(audit_rows())
print("audit rows", before, "->", after)
verdict(r.status_code == 409 and after > before)
