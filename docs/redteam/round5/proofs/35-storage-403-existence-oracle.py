"""35: GET /v1/storage/... answers 403 for an object that exists on another yacht and 404 for one
that does not: a crew member of yacht A probes which documents yacht B holds (CONTRACT §11.1: status
codes must not depend on another yacht's data)."""
import sys; sys.path.insert(0, __import__("os").path.dirname(__file__))
from _http import api, hdr, verdict

B = "bb0fb680-e2ab-5333-a4af-4a7395ba2dcd"
with api() as c:
    put = c.put(f"/v1/storage/documents/{B}/parts/impeller/survey-2026.pdf", headers=hdr("deckhand@b"),
                content=b"%PDF-1.4 yacht B survey")
    print("yacht B stores its document:", put.status_code)
    there = c.get(f"/v1/storage/documents/{B}/parts/impeller/survey-2026.pdf", headers=hdr("deckhand@a"))
    absent = c.get(f"/v1/storage/documents/{B}/parts/impeller/survey-2027.pdf", headers=hdr("deckhand@a"))
print("existing:", there.status_code, there.text[:100], "| absent:", absent.status_code, absent.text[:100])
verdict(put.status_code == 201 and there.status_code != absent.status_code,
        f"yacht B's existing object -> {there.status_code}, absent -> {absent.status_code}")
