"""consume_part with "quantity": true (not an integer) is booked as 1 instead of 400 invalid_quantity."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("filter"), "location_id": loc(), "quantity": True})
    verdict(r.status_code == 200, f"quantity true answered {r.status_code}")
