"""An outsider signs a token with Supabase's public local-development JWT secret, naming yacht b's
manager (uuid5 ids are derivable from the seed's names), and writes off yacht b's impellers."""
from datetime import UTC, datetime

from _http import api, loc, part, verdict
from harness.seed import user_id
from harness.sut.auth import mint

forged = {"Authorization": "Bearer " + mint(user_id("manager@b"), "super-secret-jwt-token-with-at-least-32-characters-long")}
sig = {"user_id": str(user_id("manager@b")), "role_at_signing": "manager", "signature_type": "approval",
       "reason": "damaged", "signed_at": datetime.now(UTC).isoformat()}
with api() as c:
    r = c.post("/v1/actions/write_off_part", headers=forged,
               json={"part_id": part("impeller", "b"), "location_id": loc(y="b"), "quantity": 12,
                     "reason": "damaged", "signature": sig})
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200)
