"""Yacht b's deckhand receives against delivery note key PO-4711; yacht a's deckhand then sends
the same key: refused as a duplicate of yacht b's row, whose transaction id it is handed
(CONTRACT section 4: the same key is fine on another yacht; section 11.1)."""
from _http import api, loc, part, post, verdict

with api() as c:
    rb = post(c, "receive_part", "deckhand@b",
              {"part_id": part("filter", "b"), "location_id": loc(y="b"), "quantity": 2, "idempotency_key": "PO-4711"})
    ra = post(c, "receive_part", "deckhand@a",
              {"part_id": part("filter"), "location_id": loc(), "quantity": 2, "idempotency_key": "PO-4711"})
    leaked = ra.status_code == 409 and ra.json().get("transaction_id") == rb.json().get("transaction_id")
    verdict(rb.status_code == 200 and leaked)
