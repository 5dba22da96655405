"""Yacht a's chief engineer receives "at" a location id: an unknown id gets a new location (200),
yacht b's location id hits its primary key (409): whether an id is another yacht's location is
observable (CONTRACT section 7: another yacht's location is 404 location_not_found; 11.1)."""
import uuid

from _http import api, loc, part, post, verdict

with api() as c:
    rb = post(c, "receive_part", "chief_engineer@a",
              {"part_id": part("filter"), "location_id": loc(y="b"), "quantity": 1, "idempotency_key": "rt6-22-b"})
    rn = post(c, "receive_part", "chief_engineer@a",
              {"part_id": part("filter"), "location_id": str(uuid.uuid4()), "quantity": 1, "idempotency_key": "rt6-22-n"})
    verdict(rb.status_code != 404 and rb.status_code != rn.status_code)
