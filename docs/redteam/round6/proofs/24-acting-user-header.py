"""Yacht a's manager sends X-Acting-User: <yacht b's deckhand> and consumes yacht b's filters
(CONTRACT section 11.4: who the caller is comes from the token's sub only)."""
import json

from _http import api, hdr, loc, part, verdict
from harness.seed import user_id

with api() as c:
    r = c.post("/v1/actions/consume_part",
               headers={**hdr("manager@a"), "X-Acting-User": str(user_id("deckhand@b"))},
               content=json.dumps({"part_id": part("filter", "b"), "location_id": loc(y="b"), "quantity": 30}))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200)
