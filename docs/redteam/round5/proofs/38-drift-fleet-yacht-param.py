"""38: GET /v1/drift?yacht_id=<B> lets a manager of yacht A read yacht B's drift report (stock ids,
parts, quantities): the yacht comes from a request parameter, checked only against the caller's
role on its own yacht (CONTRACT §11.4: tier and yacht come from the tenancy tables; §11.1).
Yacht B holds a legacy stock row whose quantity its ledger does not account for (set up by the
owner)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import asyncio, asyncpg
from _http import DSN, api, hdr, verdict


async def legacy_drift_on_b():
    c = await asyncpg.connect(DSN)
    try:
        await c.execute("UPDATE pms_inventory_stock SET quantity = 15 WHERE id = 'e0079cb2-2512-5065-b828-b663137afae8'")
    finally:
        await c.close()

asyncio.run(legacy_drift_on_b())
with api() as c:
    r = c.get("/v1/drift?yacht_id=bb0fb680-e2ab-5333-a4af-4a7395ba2dcd", headers=hdr("manager@a"))
print(r.status_code, r.text[:300])
rows = r.json().get("rows", []) if r.status_code == 200 else []
verdict(any(x.get("yacht_id") == "bb0fb680-e2ab-5333-a4af-4a7395ba2dcd" for x in rows),
        f"HTTP {r.status_code}: {len(rows)} drift row(s) of yacht B")
