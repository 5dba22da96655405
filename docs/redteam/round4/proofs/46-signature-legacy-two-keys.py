"""46: a chief engineer deactivates a part with a signature of two keys (no reason, type or role)."""
from datetime import UTC, datetime
from api import call, part, verdict
from harness.seed import user_id
r = call("chief_engineer@a", "deactivate_part",
         {"part_id": part("a", "gasket"), "reason": "superseded",
          "signature": {"user_id": str(user_id("chief_engineer@a")), "signed_at": datetime.now(UTC).isoformat()}})
verdict(r.status_code == 200)
