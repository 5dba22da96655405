"""receive_part without an idempotency_key is booked (§7: the key is required; a retried delivery
would be received twice)."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("impeller"), "location_id": loc(), "quantity": 6}
    r1 = post(c, "receive_part", "deckhand@a", body)
    r2 = post(c, "receive_part", "deckhand@a", body)
    verdict(r1.status_code == 200 and r2.status_code == 200, "a keyless receive was booked (twice)")
