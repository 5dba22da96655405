"""A token that expired two hours ago (a former crew member's saved session) still consumes stock."""
import json

from _http import api, loc, part, tok, verdict
from harness.seed import user_id
from harness.sut.auth import mint
from _http import SECRET

with api() as c:
    t = mint(user_id("deckhand@a"), SECRET, ttl=-7200)
    body = {"part_id": part("filter"), "location_id": loc(), "quantity": 1}
    r = c.post("/v1/actions/consume_part", headers={"Authorization": f"Bearer {t}"}, content=json.dumps(body))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, "an expired token was accepted")
