"""A usage_reason carrying a NUL character (pasted from a PDF) gets a 500, not a 400."""
import json

from _http import api, hdr, loc, part, verdict

with api() as c:
    body = json.dumps({"part_id": part("impeller"), "location_id": loc(), "quantity": 1,
                       "usage_reason": "gasket job\u0000"})
    r = c.post("/v1/actions/consume_part", headers=hdr("deckhand"), content=body)
    print(r.status_code, r.text[:200])
    verdict(r.status_code >= 500, "a malformed body got a 5xx")
