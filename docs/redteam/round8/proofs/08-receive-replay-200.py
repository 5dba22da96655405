"""A second receive_part with an already-used idempotency key answers 200 instead of 409 duplicate_request."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("filter"), "location_id": loc(), "quantity": 3, "idempotency_key": "po-77-line-1"}
    post(c, "receive_part", "deckhand@a", body)
    r = post(c, "receive_part", "deckhand@a", body)
    verdict(r.status_code != 409, f"replayed key answered {r.status_code} (contract: 409 duplicate_request)")
