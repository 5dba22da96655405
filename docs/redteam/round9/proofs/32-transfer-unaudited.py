"""A HOD transfers stock between lockers; no audit row records it."""
import asyncio

import asyncpg

from _http import DSN, api, loc, part, post, verdict

with api() as c:
    r = post(c, "transfer_part", "chief_engineer", {"part_id": part("impeller"), "from_location_id": loc(),
                                                    "to_location_id": loc("bosun-store"), "quantity": 2})


async def audit_rows():
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval("SELECT count(*) FROM pms_audit_log WHERE action = 'transfer_part'")
    finally:
        await conn.close()

n = asyncio.run(audit_rows())
print("transfer status", r.status_code, "audit rows", n)
verdict(r.status_code == 200 and n == 0, "a transfer left no audit row")
