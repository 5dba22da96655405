"""33: a token minted for another audience (same project secret, aud 'partner-portal', or no aud at
all) is accepted by the inventory API (CONTRACT §7: invalid token -> 401; the reference requires
aud == 'authenticated')."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("impeller"), "location_id": loc(), "quantity": 1},
             aud="partner-portal")
verdict(r.status_code == 200, f"token with aud partner-portal: HTTP {r.status_code} {r.json().get('error', '')}")
