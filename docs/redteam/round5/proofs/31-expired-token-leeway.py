"""31: a token that expired 5 minutes ago is still accepted (CONTRACT §7: expired token -> 401
unauthorized): a stolen / logged-out session keeps working past its exp."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("impeller"), "location_id": loc(), "quantity": 1},
             ttl=-300)
verdict(r.status_code == 200, f"token expired 300 s ago: HTTP {r.status_code} {r.json().get('error', '')}")
