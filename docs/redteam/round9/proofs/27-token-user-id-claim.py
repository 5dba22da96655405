"""A token without sub, naming a deckhand in a custom user_id claim, acts as that deckhand."""
from harness.seed import user_id

from _http import SECRET, api, loc, part, verdict
from harness.sut.auth import mint

with api() as c:
    token = mint(user_id("deckhand"), SECRET, sub=None, user_id=str(user_id("deckhand")))
    r = c.post("/v1/actions/consume_part", headers={"Authorization": f"Bearer {token}"},
               json={"part_id": part("impeller"), "location_id": loc(), "quantity": 1})
    print(r.status_code, r.text[:200])
    verdict(r.status_code == 200, "a token without sub consumed stock")
