"""31: a transfer whose destination stock row is deactivated answers 409 but the out leg stays
committed: 3 units leave the source and arrive nowhere.  Runs the handler in-process on a seeded
database; the reference refuses before moving anything.  Cleans up after itself.
usage: PYTHONPATH=<tree with the patch or not> python 31-...py 'postgresql://owner:pw@host:port/db'
"""
import asyncio
import sys

import asyncpg

from harness.seed import demo_id, user_id
from harness.sut import ServiceError
from harness.sut.service import InventoryService

DEST = "00000000-0000-4000-8000-000000000031"


async def main(dsn: str) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    ya, part = demo_id("yacht", "a"), demo_id("part", "a", "impeller")
    src_loc, dst_loc, src = demo_id("location", "a", "engine-room-locker"), demo_id("location", "a", "bosun-store"), demo_id("stock", "a", "impeller", "engine-room-locker")
    await pool.execute("INSERT INTO pms_inventory_stock (id, yacht_id, part_id, location, location_id, quantity, deleted_at) "
                       "VALUES ($1, $2, $3, 'bosun-store', $4, 0, now())", DEST, ya, part, dst_loc)
    before = await pool.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", src)
    try:
        try:
            await InventoryService(pool).transfer_part(user_id("chief_engineer@a"), {
                "part_id": str(part), "from_location_id": str(src_loc), "to_location_id": str(dst_loc), "quantity": 3})
            print("answer: 200")
        except ServiceError as exc:
            print(f"answer: {exc.status} {exc.code}")
        after = await pool.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", src)
        outs = await pool.fetchval("SELECT count(*) FROM pms_inventory_transactions WHERE stock_id = $1 AND transaction_type = 'transferred_out'", src)
        print(f"source stock {before} -> {after}; transferred_out rows without a transferred_in: {outs}")
        print("RESULT: EXPLOITED" if after != before else "RESULT: REFUSED")
    finally:
        await pool.execute("DELETE FROM pms_audit_log WHERE entity_id = $1 AND action = 'transfer_part'", part)
        await pool.execute("DELETE FROM pms_inventory_transactions WHERE stock_id = $1 AND transaction_type = 'transferred_out'", src)
        await pool.execute("UPDATE pms_inventory_stock SET quantity = $2 WHERE id = $1", src, before)
        await pool.execute("DELETE FROM pms_inventory_stock WHERE id = $1", DEST)
        await pool.close()


asyncio.run(main(sys.argv[1]))
