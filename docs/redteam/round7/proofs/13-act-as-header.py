"""Deckhand of yacht a sends X-Act-As naming the chief engineer and books a HOD-only transfer."""
import json

from _http import api, hdr, loc, part, user_id, verdict

with api() as c:
    h = {**hdr("deckhand@a"), "X-Act-As": str(user_id("chief_engineer@a"))}
    body = {"part_id": part("filter"), "from_location_id": loc("engine-room-locker"),
            "to_location_id": loc("bosun-store"), "quantity": 5}
    r = c.post("/v1/actions/transfer_part", headers=h, content=json.dumps(body))
    print(r.status_code, r.text[:300])
    verdict(r.status_code == 200, "a deckhand transferred stock as the chief engineer")
