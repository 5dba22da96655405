"""36: a chief engineer deactivates a part with a signature dated 6 hours in the future (a
pre-signed approval; the contract allows at most 5 minutes ahead)."""
from datetime import UTC, datetime, timedelta
from api import call, part, sig, verdict
ahead = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
r = call("chief_engineer@a", "deactivate_part",
         {"part_id": part("a", "gasket"), "reason": "superseded",
          "signature": sig("chief_engineer@a", "chief_engineer", signed_at=ahead)})
verdict(r.status_code == 200)
