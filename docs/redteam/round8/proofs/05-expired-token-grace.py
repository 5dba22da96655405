"""A deckhand token that expired an hour ago still consumes stock."""
import json
from _http import api, loc, part, user_id, SECRET, verdict
from harness.sut.auth import mint

with api() as c:
    t = mint(user_id("deckhand@a"), SECRET, ttl=-3600)
    r = c.post("/v1/actions/consume_part", headers={"Authorization": f"Bearer {t}"},
               content=json.dumps({"part_id": part("filter"), "location_id": loc(), "quantity": 1}))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, f"expired token answered {r.status_code}")
