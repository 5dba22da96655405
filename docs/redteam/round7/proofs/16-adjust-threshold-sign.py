"""Chief engineer of yacht a sets the fuel filters from 30 to 5 (a -25 adjustment) without a signature."""
from _http import api, loc, part, post, verdict

with api() as c:
    r = post(c, "adjust_stock_quantity", "chief_engineer@a",
             {"part_id": part("filter"), "location_id": loc(), "new_quantity": 5, "reason": "recount"})
    verdict(r.status_code == 200, "a large downward adjustment went through unsigned")
