"""A receive retried with a used idempotency key answers 200 as if booked (§7: 409 duplicate_request
carrying the original transaction id) -- the client cannot tell a replay from a new receipt."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("impeller"), "location_id": loc(), "quantity": 6, "idempotency_key": "dn-4411"}
    r1 = post(c, "receive_part", "deckhand@a", body)
    r2 = post(c, "receive_part", "deckhand@a", {**body, "quantity": 60})
    verdict(r1.status_code == 200 and r2.status_code == 200, "a duplicate key (with another quantity) answered 200")
