"""A HOD adjusts the impeller stock 12 -> 22 (a change of exactly the threshold, 10) unsigned."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer",
             {"part_id": part("impeller"), "location_id": loc(), "new_quantity": 22, "reason": "recount"})
    verdict(r.status_code == 200, "a change of 10 (= threshold) went through unsigned")
