"""Two deckhands of yacht a consume the last 4 gaskets at the same moment: both win (lost update)."""
import asyncio, json, sys
import asyncpg

DSN = sys.argv[1]
STOCK = "6ea66795-00cc-509f-8826-98b704f9ccc7"      # a gasket, 4 on hand
CLAIMS = json.dumps({"sub": "1129d21c-2c81-5d89-beb7-2b77d2c8b521", "role": "authenticated"})
SQL = "SELECT * FROM public.deduct_stock_inventory($1::uuid, 4)"

async def as_crew(conn):
    await conn.execute("SET ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, false)", CLAIMS)

async def main():
    c1, c2 = await asyncpg.connect(DSN), await asyncpg.connect(DSN)
    await as_crew(c1); await as_crew(c2)
    t1 = c1.transaction(); await t1.start()
    r1 = await c1.fetchrow(SQL, STOCK)                 # first consumer, not yet committed
    second = asyncio.create_task(c2.fetchrow(SQL, STOCK))  # second consumer, concurrently
    await asyncio.sleep(1.0)
    await t1.commit()
    r2 = await second
    owner = await asyncpg.connect(DSN)
    q = await owner.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", STOCK)
    ledger = await owner.fetchval("SELECT sum(quantity_change) FROM pms_inventory_transactions WHERE stock_id = $1", STOCK)
    print("first", dict(r1), "second", dict(r2), "stock", q, "ledger sum", ledger)
    ok = r1["success"] and r2["success"]
    print(("EXPLOITED" if ok else "REFUSED") + f": both consumers of the last 4 won: {ok}; stock {q}, ledger sum {ledger}")
    for c in (c1, c2, owner):
        await c.close()

asyncio.run(main())
