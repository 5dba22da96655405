"""34: a chief engineer sets the impeller stock from 12 to 0 (a change of -12, over the
large-adjust threshold of 10) without any signature."""
from api import call, part, loc, verdict
r = call("chief_engineer@a", "adjust_stock_quantity",
         {"part_id": part("a"), "location_id": loc("a"), "new_quantity": 0, "reason": "stocktake"})
verdict(r.status_code == 200)
