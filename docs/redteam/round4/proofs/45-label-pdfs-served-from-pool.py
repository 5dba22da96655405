"""45: a deckhand of yacht A stores a label PDF; a deckhand of yacht B downloads it."""
from api import http, token, verdict
from harness.seed import demo_id
path = f"{demo_id('yacht', 'a')}/labels/impeller-IMP-2231.pdf"
put = http.put(f"/v1/storage/pms-label-pdfs/{path}", content=b"%PDF-1.4 label",
               headers={"Authorization": f"Bearer {token('deckhand@a')}", "Content-Type": "application/pdf"})
print("put", put.status_code, put.text[:200])
got = http.get(f"/v1/storage/pms-label-pdfs/{path}", headers={"Authorization": f"Bearer {token('deckhand@b')}"})
print("get as yacht B", got.status_code, got.content[:40])
verdict(put.status_code == 201 and got.status_code == 200)
