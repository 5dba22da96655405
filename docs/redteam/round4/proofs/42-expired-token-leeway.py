"""42: a token that expired two days ago is still accepted (contract: 401 unauthorized)."""
from api import call, part, loc, token, verdict
stale = token("deckhand@a", ttl=-2 * 24 * 3600)
r = call("deckhand@a", "consume_part", {"part_id": part("a"), "location_id": loc("a"), "quantity": 1}, tok=stale)
verdict(r.status_code == 200)
