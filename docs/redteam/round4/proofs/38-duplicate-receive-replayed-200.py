"""38: a second receive with an already used idempotency key is answered 200 (the contract: 409
duplicate_request carrying the original transaction id)."""
from api import call, part, loc, key, verdict
k = key()
body = {"part_id": part("a"), "location_id": loc("a"), "quantity": 3, "idempotency_key": k}
first = call("deckhand@a", "receive_part", body)
second = call("deckhand@a", "receive_part", body)
verdict(first.status_code == 200 and second.status_code == 200)
