"""An outsider (no token) polls /healthz before and after yacht b books a consume: the answer
changes with yacht b's activity (CONTRACT section 11.1: nothing observable depends on another
yacht's data; counts included)."""
from _http import api, loc, part, post, verdict

with api() as c:
    h1 = c.get("/healthz").json()
    post(c, "consume_part", "deckhand@b", {"part_id": part("filter", "b"), "location_id": loc(y="b"), "quantity": 1})
    h2 = c.get("/healthz").json()
    print(h1); print(h2)
    verdict(h1 != h2)
