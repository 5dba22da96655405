"""Yacht a's chief engineer writes 12 impellers down to 0 with a stocktake adjust and no signature
(an adjust of -12 is large: abs(change) >= 10 needs a signature, CONTRACT section 4/7)."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer@a",
             {"part_id": part("impeller"), "location_id": loc(), "new_quantity": 0, "reason": "stocktake"})
    verdict(r.status_code == 200)
