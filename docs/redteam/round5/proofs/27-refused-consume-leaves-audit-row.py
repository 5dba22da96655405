"""27: a consume refused with 409 insufficient_stock leaves an audit row behind (CONTRACT §11.3:
a refused call leaves no row; §7 every action is one transaction).  Deckhand of yacht A asks for
999 gaskets (4 in stock), then counts the yacht's audit rows as itself."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import asyncio, asyncpg
from _http import DSN, api, loc, part, post, verdict


def audit_rows():
    async def q():
        c = await asyncpg.connect(DSN)
        try:
            return await c.fetchval("SELECT count(*) FROM pms_audit_log")
        finally:
            await c.close()
    return asyncio.run(q())


before = audit_rows()
with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("gasket"), "location_id": loc(), "quantity": 999})
after = audit_rows()
verdict(r.status_code == 409 and after > before,
        f"HTTP {r.status_code} {r.json().get('error')}; audit rows {before} -> {after}")
