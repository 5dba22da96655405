"""26: two deckhands consume the last 5 units at the same moment through the RPC: both win
(a lost update: 10 units consumed from 5, stock 0, ledger -10)."""
import asyncio, json, os
import asyncpg
from harness.seed import demo_id, user_id

DSN = os.environ["DSN"]
STOCK = demo_id("stock", "a", "gasket", "engine-room-locker")   # seeded with 4 units
YACHT = demo_id("yacht", "a")

async def as_crew(conn, who):
    await conn.execute("SET LOCAL ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, true)",
                       json.dumps({"sub": str(user_id(who)), "role": "authenticated"}))

async def main():
    admin = await asyncpg.connect(DSN)
    await admin.execute("SELECT * FROM add_stock_inventory($1, 1, $2, 'received', '{}')", STOCK, YACHT)  # 5
    c1, c2 = await asyncpg.connect(DSN), await asyncpg.connect(DSN)
    t1, t2 = c1.transaction(), c2.transaction()
    await t1.start(); await t2.start()
    await as_crew(c1, "deckhand@a"); await as_crew(c2, "bosun@a")
    r1 = await c1.fetchrow("SELECT * FROM deduct_stock_inventory($1, 5)", STOCK)
    pending = asyncio.ensure_future(c2.fetchrow("SELECT * FROM deduct_stock_inventory($1, 5)", STOCK))
    await asyncio.sleep(1.0)          # the second caller is now inside the function
    await t1.commit()
    try:
        r2 = await asyncio.wait_for(pending, 10)
        await t2.commit()
    except Exception as exc:          # a refusal by the database counts as refused
        print("second consumer:", type(exc).__name__, exc); r2 = None
    q = await admin.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", STOCK)
    led = await admin.fetchval("SELECT sum(quantity_change) FROM pms_inventory_transactions WHERE stock_id = $1", STOCK)
    print("first:", dict(r1)); print("second:", dict(r2) if r2 else None); print("stock", q, "ledger", led)
    print("EXPLOITED" if r1["success"] and r2 is not None and r2["success"] else "REFUSED")

asyncio.run(main())
