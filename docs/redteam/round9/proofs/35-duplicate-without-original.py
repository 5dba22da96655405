"""A retried receive gets 409 duplicate_request, but the body does not carry the original transaction id."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("filter"), "location_id": loc(), "quantity": 3, "idempotency_key": "delivery-77"}
    first = post(c, "receive_part", "bosun", body)
    again = post(c, "receive_part", "bosun", body)
    j = again.json()
    verdict(first.status_code == 200 and again.status_code == 409 and j.get("error") == "duplicate_request"
            and j.get("transaction_id") != first.json().get("transaction_id"),
            "duplicate_request without the original transaction id")
