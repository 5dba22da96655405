"""A deckhand of yacht a receives 5 impellers without a reference_id: stock and ledger move,
no audit row is written (CONTRACT section 7: every action writes its audit row)."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

with api() as c:
    r = post(c, "receive_part", "deckhand@a",
             {"part_id": part("impeller"), "location_id": loc(), "quantity": 5, "idempotency_key": "rt6-14"})


async def audits():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_audit_log WHERE action = 'receive_part'")
    finally:
        await conn.close()

n = asyncio.run(audits())
print("receive_part audit rows:", n)
verdict(r.status_code == 200 and n == 0)
