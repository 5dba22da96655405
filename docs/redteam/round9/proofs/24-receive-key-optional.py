"""A receive without an idempotency key (retried twice by a flaky client) is booked twice."""
from _http import api, loc, part, post, verdict

with api() as c:
    body = {"part_id": part("filter"), "location_id": loc(), "quantity": 5}
    r1 = post(c, "receive_part", "bosun", body)
    r2 = post(c, "receive_part", "bosun", body)
    verdict(r1.status_code == 200 and r2.status_code == 200, "two keyless receives both booked")
