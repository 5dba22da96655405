"""quantity: true is not a positive integer (CONTRACT section 7: 400 invalid_quantity), but
Python's bool is an int: the consume books one unit."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("filter"), "location_id": loc(), "quantity": True})
    verdict(r.status_code == 200)
