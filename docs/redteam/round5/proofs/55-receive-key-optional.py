"""55: receive_part without an idempotency_key is booked -- a retried delivery is received twice
(CONTRACT §7: receive_part requires idempotency_key)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

body = {"part_id": part("impeller"), "location_id": loc(), "quantity": 6}
with api() as c:
    r1 = post(c, "receive_part", "deckhand@a", body)
    r2 = post(c, "receive_part", "deckhand@a", body)
verdict(r1.status_code == 200 and r2.status_code == 200,
        f"two receives without a key: HTTP {r1.status_code}, {r2.status_code} {r2.json().get('error', '')}")
