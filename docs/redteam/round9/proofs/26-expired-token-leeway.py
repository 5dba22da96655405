"""A token that expired three hours ago still reads and writes."""
from _http import api, hdr, part, verdict

with api() as c:
    r = c.get(f"/v1/parts/{part('impeller')}/stock", headers=hdr("deckhand", ttl=-7200 - 3600))
    print(r.status_code, r.text[:200])
    verdict(r.status_code == 200, "an expired token was accepted")
