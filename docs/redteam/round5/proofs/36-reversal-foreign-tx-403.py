"""36: reverse_transaction answers 403 for another yacht's transaction id and 404 for an unknown one
(CONTRACT §7: a transaction on another yacht is 404 transaction_not_found; §11.1)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import asyncio, uuid, asyncpg
from _http import DSN, api, post, sig, verdict


async def b_tx():  # an id of yacht B's ledger (e.g. read off a shared supplier document)
    c = await asyncpg.connect(DSN)
    try:
        return str(await c.fetchval("SELECT id FROM pms_inventory_transactions WHERE yacht_id = "
                                    "'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' LIMIT 1"))
    finally:
        await c.close()

foreign = asyncio.run(b_tx())
with api() as c:
    r1 = post(c, "reverse_transaction", "manager@a", {"transaction_id": foreign, "reason": "probe",
                                                       "signature": sig("manager@a", "manager")})
    r2 = post(c, "reverse_transaction", "manager@a", {"transaction_id": str(uuid.uuid4()), "reason": "probe",
                                                       "signature": sig("manager@a", "manager")})
verdict(r1.status_code != r2.status_code or r1.json().get("error") != r2.json().get("error"),
        f"yacht B's transaction -> {r1.status_code} {r1.json().get('error')}, unknown -> {r2.status_code} {r2.json().get('error')}")
