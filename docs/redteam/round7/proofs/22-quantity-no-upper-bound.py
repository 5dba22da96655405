"""A quantity beyond int4 (2**40) must be a 400 invalid_quantity; without the cap it reaches the
driver and the API answers a 5xx (§7: any malformed body is a 400 with a specific code, never 500)."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "receive_part", "deckhand@a", {"part_id": part("filter"), "location_id": loc(),
                                                "quantity": 2 ** 40, "idempotency_key": "bulk-1"})
    verdict(r.status_code != 400, f"an out-of-range quantity answered {r.status_code}")
