"""37: add_to_shopping_list writes no audit row (CONTRACT §7: every action writes its audit row in
the same transaction).  Deckhand of yacht A adds a line, then reads its yacht's audit log."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import asyncio, uuid, asyncpg
from _http import DSN, api, part, post, verdict
from harness.db import as_user
from harness.seed import user_id

with api() as c:
    r = post(c, "add_to_shopping_list", "deckhand@a", {"part_id": part("gasket"), "quantity": 2, "urgency": "high"})
item = r.json().get("item_id")


async def audited():
    c = await asyncpg.connect(DSN)
    try:
        async with as_user(c, user_id("deckhand@a")):
            return await c.fetchval("SELECT count(*) FROM pms_audit_log WHERE entity_id = $1", uuid.UUID(item))
    finally:
        await c.close()

n = asyncio.run(audited())
verdict(r.status_code == 200 and n == 0, f"HTTP {r.status_code}, audit rows for item {item}: {n}")
