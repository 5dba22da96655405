"""48: a consume whose usage_reason holds a NUL character answers 500 internal (PostgreSQL text
refuses NUL) (CONTRACT §7: any malformed body -> 400 with a specific code; never 500)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "consume_part", "deckhand@a", {"part_id": part("impeller"), "location_id": loc(), "quantity": 1,
                                               "usage_reason": "WO-17\u0000 port genset"})
verdict(r.status_code >= 500, f"NUL in usage_reason: HTTP {r.status_code} {r.json().get('error')}")
