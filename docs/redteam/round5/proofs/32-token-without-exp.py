"""32: a token without exp is accepted forever (CONTRACT §7: missing/invalid token -> 401; the
reference's rule: a numeric exp is required)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import json, jwt
from _http import SECRET, api, loc, part, verdict
from harness.seed import user_id

token = jwt.encode({"sub": str(user_id("deckhand@a")), "role": "authenticated", "aud": "authenticated"},
                   SECRET, algorithm="HS256")
with api() as c:
    r = c.post("/v1/actions/consume_part", headers={"Authorization": f"Bearer {token}"},
               content=json.dumps({"part_id": part("impeller"), "location_id": loc(), "quantity": 1}))
print(r.status_code, r.text[:200])
verdict(r.status_code == 200, f"token without exp: HTTP {r.status_code} {r.json().get('error', '')}")
