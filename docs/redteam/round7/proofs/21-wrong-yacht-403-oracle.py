"""Yacht a's deckhand probes part ids: yacht b's answers 403, an unknown id 404 (an existence oracle;
the contract answers 404 part_not_found for both)."""
import uuid

from _http import api, loc, part, post, verdict

with api() as c:
    other = post(c, "add_to_shopping_list", "deckhand@a", {"part_id": part("impeller", "b"), "quantity": 1})
    unknown = post(c, "add_to_shopping_list", "deckhand@a", {"part_id": str(uuid.uuid4()), "quantity": 1})
    verdict(other.status_code != unknown.status_code or other.json().get("error") != unknown.json().get("error"),
            "another yacht's part id is told apart from an unknown one")
