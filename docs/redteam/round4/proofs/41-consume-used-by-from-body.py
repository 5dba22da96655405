"""41: a deckhand consumes a part and records the captain as the one who used it."""
import asyncio, os
import asyncpg
from api import call, part, loc, verdict
from harness.seed import user_id

r = call("deckhand@a", "consume_part", {"part_id": part("a"), "location_id": loc("a"), "quantity": 1,
                                         "used_by": str(user_id("captain@a"))})

async def used_by(uid):
    conn = await asyncpg.connect(os.environ["DSN"])
    try:
        return await conn.fetchval("SELECT used_by FROM pms_part_usage WHERE id = $1", uid)
    finally:
        await conn.close()

verdict(r.status_code == 200 and asyncio.run(used_by(r.json()["usage_id"])) == user_id("captain@a"))
