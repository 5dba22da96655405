"""The back office keeps yacht a's invoices under documents/{yacht a}/invoices/ (not a 'parts' folder:
§5 denies it to the crew); yacht a's deckhand downloads one through the API."""
import asyncio
import base64
import json

import asyncpg

from _http import DSN, api, hdr, verdict

YA = "cf3df952-f993-5386-8585-4184c42e9285"
NAME = f"{YA}/invoices/shipyard-2026.pdf"


async def upload():
    conn = await asyncpg.connect(DSN)
    try:
        meta = {"size": 9, "mimetype": "application/pdf", "content_base64": base64.b64encode(b"INVOICE 1").decode()}
        await conn.execute("INSERT INTO storage.objects (bucket_id, name, metadata) VALUES ('documents', $1, $2::jsonb)",
                           NAME, json.dumps(meta))
    finally:
        await conn.close()

asyncio.run(upload())
with api() as c:
    r = c.get(f"/v1/storage/documents/{NAME}", headers=hdr("deckhand@a"))
    print(r.status_code, r.content[:60])
    verdict(r.status_code == 200 and b"INVOICE" in r.content, "a non-parts document was served to the crew")
