"""47: a transfer into a deactivated stock row is refused (409), but its out-leg stays booked:
the units leave the source and arrive nowhere (a transfer group with only transferred_out)."""
import asyncio, os
import asyncpg
from api import call, part, loc, stock, verdict
from harness.seed import demo_id

async def q(sql, *args):
    conn = await asyncpg.connect(os.environ["DSN"])
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()

# yacht A keeps a retired (deactivated) impeller shelf in the bosun store
asyncio.run(q("INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity, deleted_at) "
              "VALUES ($1, $2, 'bosun-store', $3, 0, now())",
              demo_id("yacht", "a"), demo_id("part", "a", "impeller"), demo_id("location", "a", "bosun-store")))
before = asyncio.run(q("SELECT quantity FROM pms_inventory_stock WHERE id = $1", demo_id("stock", "a", "impeller", "engine-room-locker")))
r = call("chief_engineer@a", "transfer_part", {"part_id": part("a"), "from_location_id": loc("a"),
                                               "to_location_id": loc("a", "bosun-store"), "quantity": 2})
after = asyncio.run(q("SELECT quantity FROM pms_inventory_stock WHERE id = $1", demo_id("stock", "a", "impeller", "engine-room-locker")))
print("source quantity", before, "->", after)
verdict(r.status_code >= 400 and after != before)
