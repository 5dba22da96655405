"""A token that expired six hours ago (a stolen tablet's, say) still reads the drift report and
books a consume (CONTRACT section 7: an expired token gets 401)."""
from _http import SECRET, api, loc, part, verdict
from harness.seed import user_id
from harness.sut.auth import mint

stale = {"Authorization": "Bearer " + mint(user_id("deckhand@a"), SECRET, ttl=-6 * 3600)}
with api() as c:
    r1 = c.get("/v1/drift", headers=stale)
    r2 = c.post("/v1/actions/consume_part", headers=stale,
                json={"part_id": part("filter"), "location_id": loc(), "quantity": 1})
    print(r1.status_code, r1.text[:200]); print(r2.status_code, r2.text[:200])
    verdict(r1.status_code == 200 and r2.status_code == 200)
