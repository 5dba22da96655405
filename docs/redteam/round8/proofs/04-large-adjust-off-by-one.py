"""chief_engineer@a adjusts the impeller by exactly the threshold (12 -> 22, +10) without a signature."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer@a",
             {"part_id": part("impeller"), "location_id": loc(), "new_quantity": 22, "reason": "count"})
    verdict(r.status_code == 200, f"an unsigned adjustment of 10 answered {r.status_code}")
