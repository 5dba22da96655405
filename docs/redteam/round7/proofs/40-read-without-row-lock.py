"""Two deckhands of yacht a consume the last 4 gaskets at the same moment, on two connections:
both are told success (8 consumed out of 4), and the ledger no longer matches the stock (§6 lock
before read, §8 concurrency: exactly one wins)."""
import asyncio
import json

import asyncpg

from _http import DSN, stock, user_id, verdict

GASKET = stock("gasket")


async def begin_as(conn, handle):
    await conn.execute("BEGIN")
    await conn.execute("SET LOCAL ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, true)",
                       json.dumps({"sub": str(user_id(handle)), "role": "authenticated"}))


async def main():
    c1, c2 = await asyncpg.connect(DSN), await asyncpg.connect(DSN)
    try:
        await begin_as(c1, "deckhand@a")
        await begin_as(c2, "bosun@a")
        r1 = await c1.fetchrow("SELECT * FROM deduct_stock_inventory($1, 4)", GASKET)
        second = asyncio.create_task(c2.fetchrow("SELECT * FROM deduct_stock_inventory($1, 4)", GASKET))
        await asyncio.sleep(1.0)          # the second call is now waiting on the first one's row
        await c1.execute("COMMIT")
        r2 = await asyncio.wait_for(second, 20)
        await c2.execute("COMMIT")
        print("first", dict(r1)); print("second", dict(r2))
        drift = await c1.fetch("SELECT * FROM check_inventory_drift()")
        print("drift", [dict(d) for d in drift])
        verdict(r1["success"] and r2["success"], "both consumes of the last 4 units succeeded")
    finally:
        await c1.close(); await c2.close()

asyncio.run(main())
