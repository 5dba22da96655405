"""CONTRACT §5 over HTTP, storage reads: the API serves a caller exactly the objects the
database's own storage policies let that caller read — judged object by object against RLS,
not against a list of who-may-read-what.

Objects are planted (as the owner) in every bucket of the catalog, in every folder of the own
yacht's prefix: directly under it, under each literal the storage policies name (``parts``...),
under a folder no policy names and one level deeper, and one under the other yacht's prefix.
Each user of every tier then reads each one over the profile's storage route, plainly and with
a query that names the folders, paths and buckets the policies admit (a handler that trusts
a parameter over the path), and the same user's ``SELECT`` of ``storage.objects`` under
``authenticated`` with the token's claims says which objects it may read.  A plain read must
answer 2xx exactly when RLS returns the row; the decorated read may never serve more (a
handler that checks the yacht prefix and then reads on its own login serves a folder the
policies deny: red team round 7, 37).  The objects hang off the run's own yachts and are purged
with them (needs a database that allows writes).
"""
from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlencode

from harness import surface
from harness.db import as_user

from ..surface.test_api_surface import _ship

#: A folder no storage policy names (an invoice or a crew file kept beside the parts).
UNNAMED = "lens-unnamed"
#: Query keys a handler may take a folder, a path or a mode from (Supabase Storage's own
#: ``download``, and the names a route that lists or narrows a prefix uses).
QUERY_KEYS = ("folder", "prefix", "path", "bucket", "download", "name", "as")


async def _folders(conn) -> list[str]:
    """Each literal the storage policies compare a name's folders with (buckets aside)."""
    rows = await conn.fetch("SELECT coalesce(qual, '') || ' ' || coalesce(with_check, '') AS t FROM pg_policies "
                            "WHERE schemaname = 'storage'")
    found = {m for r in rows for m in re.findall(r"'([A-Za-z][A-Za-z0-9_-]{1,40})'", r["t"])}
    return sorted(found - set(await surface.buckets(conn)))


async def _plant(conn, own: str, foreign: str) -> list[tuple[str, str]]:
    """(bucket, name) of an object in every bucket under every folder of ``own``'s prefix, and
    one under ``foreign``'s; each holds its name as its content."""
    folders = await _folders(conn)
    names = [f"{own}/lens-read.pdf", *(f"{own}/{f}/lens-read.pdf" for f in folders), f"{own}/{UNNAMED}/lens-read.pdf",
             f"{own}/{(folders or [UNNAMED])[0]}/{UNNAMED}/lens-read.pdf", f"{foreign}/{(folders or [UNNAMED])[0]}/lens-read.pdf"]
    objects = [(b, n) for b in await surface.buckets(conn) for n in names]
    await conn.executemany(
        "INSERT INTO storage.objects (bucket_id, name, metadata) VALUES ($1, $2, $3::jsonb)",
        [(b, n, json.dumps({"size": len(n), "mimetype": "application/pdf",
                            "content_base64": base64.b64encode(n.encode()).decode()})) for b, n in objects])
    return objects


async def _readable(conn, user, objects) -> set[tuple[str, str]]:
    """The objects ``user``'s SELECT returns under ``authenticated`` with its claims."""
    async with as_user(conn, user) as acting:
        rows = await acting.fetch("SELECT bucket_id, name FROM storage.objects WHERE (bucket_id, name) IN "
                                  "(SELECT * FROM unnest($1::text[], $2::text[]))", [b for b, _ in objects],
                                  [n for _, n in objects])
    return {(r["bucket_id"], r["name"]) for r in rows}


def _decorated(bucket: str, name: str, folders: list[str]) -> str:
    """A query naming, under every key, what the policies admit: the first folder they name, the
    object's own path under it, the bucket, a download."""
    prefix, _, file = name.partition("/")
    admitted = f"{prefix}/{(folders or ['parts'])[0]}/{file.rsplit('/', 1)[-1]}"
    values = {"folder": (folders or ["parts"])[0], "prefix": admitted.rsplit("/", 1)[0], "path": admitted,
              "bucket": bucket, "download": "1", "name": admitted, "as": "authenticated"}
    return "?" + urlencode({k: values[k] for k in QUERY_KEYS})


async def test_storage_reads_follow_rls(sut, committed_factory, lens_artifacts, record_property):
    """§5: every tier's read of every object of every bucket and folder answers as the storage
    policies do for that caller (plain: 2xx exactly when RLS returns the row; with a query naming
    admitted folders and paths: never more than RLS)."""
    conn = committed_factory.conn
    own, foreign = await _ship(committed_factory), await _ship(committed_factory)
    objects = await _plant(conn, str(own["yacht"].id), str(foreign["yacht"].id))
    folders = await _folders(conn)
    lines, judged = [], 0
    for user in own["users"].values():
        readable = await _readable(conn, user, objects)
        for bucket, name in objects:
            route = sut.storage_path(bucket, name)
            plain = (await sut.request("GET", route, user=user)).status
            decorated = (await sut.request("GET", route + _decorated(bucket, name, folders), user=user)).status
            judged += 2
            rls = (bucket, name) in readable
            if (200 <= plain < 300) != rls:
                lines.append(f"GET {route} as {user.role}: {plain}, while RLS {'returns' if rls else 'hides'} the object")
            if 200 <= decorated < 300 and not rls:
                lines.append(f"GET {route}{_decorated(bucket, name, folders)} as {user.role}: {decorated}, "
                             "while RLS hides the object")
    record_property("properties[api storage].judged", str(judged))
    assert not lines, f"{len(lines)} of {judged} storage reads over HTTP disagree with RLS (§5):\n" + "\n".join(lines[:40])
