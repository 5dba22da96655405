"""30: a receive whose idempotency key was already used on the yacht answers 200 with the original
booking instead of 409 duplicate_request (CONTRACT §7 error table): a client cannot tell that
its second, different delivery (other part, other quantity) was never booked."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

with api() as c:
    post(c, "receive_part", "deckhand@a", {"part_id": part("impeller"), "location_id": loc(), "quantity": 6,
                                           "idempotency_key": "DN-88"})
    r = post(c, "receive_part", "bosun@a", {"part_id": part("filter"), "location_id": loc(), "quantity": 40,
                                            "idempotency_key": "DN-88"})
verdict(r.status_code == 200, f"reused key: HTTP {r.status_code} {r.json().get('error', 'success reported, nothing booked')}")
