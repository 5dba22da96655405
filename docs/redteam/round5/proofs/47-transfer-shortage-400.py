"""47: a transfer that would take the source below zero answers 400 invalid_quantity instead of 409
insufficient_stock (CONTRACT §7 error table: would go negative -> 409 insufficient_stock)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "transfer_part", "chief_engineer@a", {"part_id": part("gasket"), "from_location_id": loc(),
                                                      "to_location_id": loc("bosun-store"), "quantity": 50})
e = r.json().get("error")
verdict((r.status_code, e) != (409, "insufficient_stock"), f"transfer of 50 from 4: HTTP {r.status_code} {e}")
