"""quantity: true is taken as 1 (a JSON boolean is not a positive integer)."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand", {"part_id": part("impeller"), "location_id": loc(), "quantity": True})
    verdict(r.status_code == 200, "quantity true consumed stock")
