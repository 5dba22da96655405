"""36: a manager writes off stock with a signature dated 6 hours in the future (a pre-signed
approval; the contract allows at most 5 minutes ahead)."""
from datetime import UTC, datetime, timedelta
from api import call, part, loc, sig, verdict
ahead = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
r = call("manager@a", "write_off_part",
         {"part_id": part("a", "filter"), "location_id": loc("a"), "quantity": 2, "reason": "water damage",
          "signature": sig("manager@a", "manager", signed_at=ahead)})
verdict(r.status_code == 200)
