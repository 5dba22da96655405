"""deckhand@a probes part ids: yacht b's part answers 403, an unknown id 404 -- an existence oracle."""
import uuid
from _http import api, loc, part, post, verdict

with api() as c:
    theirs = post(c, "consume_part", "deckhand@a", {"part_id": part("impeller", "b"), "location_id": loc(), "quantity": 1})
    nobody = post(c, "consume_part", "deckhand@a", {"part_id": str(uuid.uuid4()), "location_id": loc(), "quantity": 1})
    verdict((theirs.status_code, theirs.json().get("error")) != (nobody.status_code, nobody.json().get("error")),
            f"b's part -> {theirs.status_code}, unknown part -> {nobody.status_code}")
