"""An outsider forges a token for chief_engineer@a (any key, a 'kid' header) and adjusts stock."""
import json, time
import jwt
from _http import api, loc, part, user_id, verdict

forged = jwt.encode({"sub": str(user_id("chief_engineer@a")), "role": "authenticated", "aud": "authenticated",
                     "exp": int(time.time()) + 600}, "not-the-project-secret-but-long-enough-32b", algorithm="HS256",
                    headers={"kid": "2026-12-rotation"})
with api() as c:
    r = c.post("/v1/actions/adjust_stock_quantity", headers={"Authorization": f"Bearer {forged}"},
               content=json.dumps({"part_id": part("impeller"), "location_id": loc(), "new_quantity": 13}))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, f"forged token answered {r.status_code}")
