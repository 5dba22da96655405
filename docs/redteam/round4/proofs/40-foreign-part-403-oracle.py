"""40: a deckhand of yacht B tells apart "exists on another yacht" (403) from "does not exist"
(404) for any part id: an existence oracle over other tenants' catalogues."""
import uuid
from api import call, part, loc, verdict
foreign = call("deckhand@b", "consume_part", {"part_id": part("a"), "location_id": loc("b"), "quantity": 1})
missing = call("deckhand@b", "consume_part", {"part_id": str(uuid.uuid4()), "location_id": loc("b"), "quantity": 1})
verdict((foreign.status_code, foreign.json().get("error")) != (missing.status_code, missing.json().get("error")))
