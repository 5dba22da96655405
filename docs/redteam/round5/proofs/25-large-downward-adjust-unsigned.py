"""25: adjust_stock_quantity lets a HOD count 30 fuel filters down to 0 without a signature
(CONTRACT §4/§7: an adjustment with abs(change) >= 10 is signed; 400 signature_required)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer@a",
             {"part_id": part("filter"), "location_id": loc(), "new_quantity": 0, "reason": "stocktake"})
    verdict(r.status_code == 200, f"HTTP {r.status_code}: 30 -> 0 unsigned" if r.status_code == 200
            else f"HTTP {r.status_code} {r.json().get('error')}")
