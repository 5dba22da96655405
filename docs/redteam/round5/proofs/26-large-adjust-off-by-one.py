"""26: an adjustment of exactly the threshold (10) goes through unsigned (CONTRACT §4: signed when
abs(change) >= 10).  HOD of yacht A sets 12 impellers to 2."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer@a",
             {"part_id": part("impeller"), "location_id": loc(), "new_quantity": 2, "reason": "stocktake"})
    verdict(r.status_code == 200, f"HTTP {r.status_code} {r.json().get('error', 'adjusted 12 -> 2 unsigned')}")
