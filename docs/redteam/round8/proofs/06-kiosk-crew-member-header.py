"""deckhand@a names chief_engineer@a in X-Crew-Member and adjusts stock (HOD only)."""
import json
from _http import api, hdr, loc, part, user_id, verdict

with api() as c:
    h = {**hdr("deckhand@a"), "X-Crew-Member": str(user_id("chief_engineer@a"))}
    r = c.post("/v1/actions/adjust_stock_quantity", headers=h,
               content=json.dumps({"part_id": part("impeller"), "location_id": loc(), "new_quantity": 14}))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, f"deckhand's adjust answered {r.status_code}")
