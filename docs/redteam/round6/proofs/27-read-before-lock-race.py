"""Two deckhands of yacht a consume 5 impellers each at the same moment (12 in stock): without
SELECT ... FOR UPDATE the second call computes from the stale 12, so the stock ends at 7 while the
ledger says 2 (CONTRACT section 6: lock before reading; section 4: stock and ledger never diverge)."""
import asyncio
import json
import sys

import asyncpg

DSN = sys.argv[1]
STOCK = "b19fff4e-078f-5ec3-89ac-c1df8ca77c9c"
CLAIMS = json.dumps({"sub": "1129d21c-2c81-5d89-beb7-2b77d2c8b521", "role": "authenticated"})


async def begin_as_deckhand(conn):
    await conn.execute("BEGIN")
    await conn.execute("SET LOCAL ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", CLAIMS)


async def main():
    c1 = await asyncpg.connect(DSN); c2 = await asyncpg.connect(DSN); owner = await asyncpg.connect(DSN)
    await begin_as_deckhand(c1)
    print("first:", dict(await c1.fetchrow("SELECT * FROM deduct_stock_inventory($1::uuid, 5)", STOCK)))
    await begin_as_deckhand(c2)
    second = asyncio.create_task(c2.fetchrow("SELECT * FROM deduct_stock_inventory($1::uuid, 5)", STOCK))
    await asyncio.sleep(1.0)          # the second call is now waiting on the first one's row lock
    await c1.execute("COMMIT")
    print("second:", dict(await second))
    await c2.execute("COMMIT")
    drift = await owner.fetch("SELECT * FROM check_inventory_drift()")
    qty = await owner.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1::uuid", STOCK)
    print("final quantity:", qty, "drift rows:", [dict(r) for r in drift])
    print(("EXPLOITED: lost update, stock and ledger diverge" if drift else "REFUSED"))
    for c in (c1, c2, owner):
        await c.close()

asyncio.run(main())
