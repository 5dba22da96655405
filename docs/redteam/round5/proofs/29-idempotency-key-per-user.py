"""29: receive_part namespaces the idempotency key by the caller: the same delivery (same key) booked
by two crew members of one yacht is received twice (CONTRACT §4: unique (yacht_id, idempotency_key);
§7: 409 duplicate_request)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, loc, part, post, verdict

body = {"part_id": part("impeller"), "location_id": loc(), "quantity": 6, "idempotency_key": "PO-2231-dn-1"}
with api() as c:
    r1 = post(c, "receive_part", "deckhand@a", body)
    r2 = post(c, "receive_part", "bosun@a", body)
verdict(r1.status_code == 200 and r2.status_code == 200,
        f"second receive with the same key on yacht A: HTTP {r2.status_code} {r2.json().get('error', '')} "
        f"(stock {r2.json().get('quantity_after', '')})")
