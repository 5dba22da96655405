"""39: a deckhand of yacht B reads yacht A's stock of a part by its id."""
from api import get, part, verdict
r = get("deckhand@b", f"/v1/parts/{part('a')}/stock")
verdict(r.status_code == 200 and r.json().get("locations"))
