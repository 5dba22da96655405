"""Yacht a crew probes part ids: yacht b's part answers 403, an unknown id 404 (an existence oracle)."""
import uuid

from _http import api, loc, part, post, verdict

with api() as c:
    theirs = post(c, "add_to_shopping_list", "deckhand", {"part_id": part("impeller", "b"), "quantity": 1})
    unknown = post(c, "add_to_shopping_list", "deckhand", {"part_id": str(uuid.uuid4()), "quantity": 1})
    verdict((theirs.status_code, theirs.json().get("error")) != (unknown.status_code, unknown.json().get("error")),
            "another yacht's part is told apart from an unknown id")
