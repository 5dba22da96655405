"""43: a token whose user_metadata says device = kiosk may name any user in X-On-Behalf-Of, and the
action runs as that user.  user_metadata is writable by the user (supabase.auth.updateUser), so a
deckhand of yacht A writes off stock as the yacht's manager, with a signature in the manager's name
(CONTRACT §11.4: who the caller is comes from sub only; no other claim grants anything)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
import json
from _http import api, hdr, loc, part, sig, verdict
from harness.seed import user_id

manager = str(user_id("manager@a"))
with api() as c:
    h = {**hdr("deckhand@a", user_metadata={"device": "kiosk"}), "X-On-Behalf-Of": manager}
    r = c.post("/v1/actions/write_off_part", headers=h, content=json.dumps(
        {"part_id": part("impeller"), "location_id": loc(), "quantity": 12, "reason": "lost",
         "signature": sig("manager@a", "manager")}))
print(r.status_code, r.text[:300])
verdict(r.status_code == 200, f"deckhand's token + X-On-Behalf-Of manager: HTTP {r.status_code} {r.json().get('error', 'written off as the manager')}")
