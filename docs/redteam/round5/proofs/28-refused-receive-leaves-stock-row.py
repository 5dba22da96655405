"""28: a receive refused with 409 duplicate_request still creates the (empty) stock row at the new
location: the bin is made in its own committed transaction before the action's (CONTRACT §11.3:
a refused call leaves no row behind).  Deckhand of yacht A."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import asyncio, asyncpg
from _http import DSN, api, loc, part, post, verdict


def bins():
    async def q():
        c = await asyncpg.connect(DSN)
        try:
            return await c.fetchval("SELECT count(*) FROM pms_inventory_stock WHERE part_id = $1",
                                    __import__("uuid").UUID(part("filter")))
        finally:
            await c.close()
    return asyncio.run(q())


with api() as c:
    post(c, "receive_part", "deckhand@a", {"part_id": part("filter"), "location_id": loc(), "quantity": 2,
                                           "idempotency_key": "delivery-4711"})
    before = bins()
    r = post(c, "receive_part", "deckhand@a", {"part_id": part("filter"), "location_id": loc("bosun-store"),
                                               "quantity": 2, "idempotency_key": "delivery-4711"})
after = bins()
verdict(r.status_code == 409 and after > before,
        f"HTTP {r.status_code} {r.json().get('error')}; stock rows of the part {before} -> {after}")
