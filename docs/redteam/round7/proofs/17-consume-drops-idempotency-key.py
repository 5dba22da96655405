"""A deckhand's app retries consume_part with the same idempotency key: both requests deduct."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("filter"), "location_id": loc(), "quantity": 2, "idempotency_key": "wo-77-retry"}
    r1 = post(c, "consume_part", "deckhand@a", body)
    r2 = post(c, "consume_part", "deckhand@a", body)
    verdict(r1.status_code == 200 and r2.status_code == 200,
            "the same idempotency key deducted twice (409 duplicate_request expected)")
