"""receive_part without idempotency_key (CONTRACT section 7: required): the same delivery sent
twice is booked twice."""
from _http import api, loc, part, post, verdict

body = {"part_id": part("filter"), "location_id": loc(), "quantity": 10}
with api() as c:
    r1 = post(c, "receive_part", "deckhand@a", body)
    r2 = post(c, "receive_part", "deckhand@a", body)
    verdict(r1.status_code == 200 and r2.status_code == 200)
