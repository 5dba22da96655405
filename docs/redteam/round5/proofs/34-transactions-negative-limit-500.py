"""34: GET /v1/parts/{id}/transactions?limit=-1 answers 500 internal (the database refuses a
negative LIMIT) (CONTRACT §7: any malformed request is a 4xx with a specific code, never 500)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, hdr, part, verdict

with api() as c:
    r = c.get(f"/v1/parts/{part('impeller')}/transactions?limit=-1", headers=hdr("deckhand@a"))
print(r.status_code, r.text[:200])
verdict(r.status_code >= 500, f"limit=-1: HTTP {r.status_code} {r.text[:80]}")
