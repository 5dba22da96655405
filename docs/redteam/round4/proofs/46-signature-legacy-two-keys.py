"""46: a manager writes off stock with a signature that has no reason, type or role."""
from datetime import UTC, datetime
from api import call, part, loc, verdict
from harness.seed import user_id
r = call("manager@a", "write_off_part",
         {"part_id": part("a", "filter"), "location_id": loc("a"), "quantity": 2, "reason": "lost overboard",
          "signature": {"user_id": str(user_id("manager@a")), "signed_at": datetime.now(UTC).isoformat()}})
verdict(r.status_code == 200)
