"""Yacht b keeps a document at b/parts/<yacht a's id>/quote.pdf (a folder named after a supplier's
code that happens to be a's id, or planted); deckhand@a reads it: the check finds a's id *in* the path."""
from _http import api, hdr, verdict

YA, YB = "cf3df952-f993-5386-8585-4184c42e9285", "bb0fb680-e2ab-5333-a4af-4a7395ba2dcd"
with api() as c:
    path = f"/v1/storage/documents/{YB}/parts/{YA}/quote.pdf"
    w = c.put(path, headers={**hdr("deckhand@b"), "Content-Type": "application/pdf"}, content=b"%PDF b's price list")
    print("b writes", w.status_code, w.text[:200])
    r = c.get(path, headers=hdr("deckhand@a"))
    print("a reads", r.status_code, r.content[:60])
    verdict(w.status_code == 201 and r.status_code == 200, f"deckhand@a read yacht b's object: {r.status_code}")
