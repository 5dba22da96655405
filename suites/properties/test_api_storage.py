"""CONTRACT §5 over HTTP, storage reads: the API serves a caller exactly the objects the
database's own storage policies let that caller read — judged object by object against RLS,
not against a list of who-may-read-what.

Objects are planted (as the owner) in every bucket of the catalog, in every folder of the own
yacht's prefix: directly under it, under each literal the storage policies name (``parts``...),
under a folder no policy names and one level deeper, and one under the other yacht's prefix.
Each user of every tier then reads each one over every storage read route (the profile's, each
GET route with a ``{bucket}`` the published API document lists — a listing too — and each with
a mode segment of Supabase Storage's), plainly and with a query that names the folders, paths
and buckets the policies admit (a handler that trusts a parameter over the path), and the same
user's ``SELECT`` of ``storage.objects`` under ``authenticated`` with the token's claims says
which objects it may read.  The profile's plain read must answer 2xx exactly when RLS returns
the row; no read may serve an object, or show a name, that RLS hides from the caller (a
handler that checks the yacht prefix and then reads on its own login serves a folder the
policies deny: red team round 7, 37).  The objects hang off the run's own yachts and are purged
with them (needs a database that allows writes).
"""
from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from harness import surface
from harness.db import as_user

from ..surface.test_api_surface import _ship
from .test_api_properties import _published

#: A folder no storage policy names (an invoice or a crew file kept beside the parts).
UNNAMED = "lens-unnamed"
#: Query keys a handler may take a folder, a path or a mode from (Supabase Storage's own
#: ``download``, and the names a route that lists or narrows a prefix uses).
QUERY_KEYS = ("folder", "prefix", "path", "bucket", "download", "name", "as")
#: Supabase Storage's other spellings of an object read (a mode segment before the bucket): a
#: handler may serve one of them another way.
MODES = ("authenticated", "public", "info", "download", "sign", "list")


def _routes(sut, document) -> list[str]:
    """Every storage read route: the profile's, each GET route of the published API document
    with a ``{bucket}`` parameter (an object read, or a listing without ``{path}``), and each of
    them with every ``MODES`` segment before the bucket."""
    published = [r for r, ops in (document or {}).get("paths", {}).items()
                 if isinstance(ops, dict) and "get" in ops and "{bucket}" in r]
    routes = list(dict.fromkeys([sut.profile.storage, *published]))
    return routes + [r.replace("{bucket}", f"{mode}/{{bucket}}") for r in routes for mode in MODES]


async def _plant(conn, own: str, foreign: str) -> list[tuple[str, str]]:
    """(bucket, name) of an object in every bucket under every folder of ``own``'s prefix, and
    one under ``foreign``'s; each holds ``bucket/name`` as its content."""
    folders = await surface.storage_folders(conn)
    names = [f"{own}/lens-read.pdf", *(f"{own}/{f}/lens-read.pdf" for f in folders), f"{own}/{UNNAMED}/lens-read.pdf",
             f"{own}/{(folders or [UNNAMED])[0]}/{UNNAMED}/lens-read.pdf", f"{foreign}/{(folders or [UNNAMED])[0]}/lens-read.pdf"]
    objects = [(b, n) for b in await surface.buckets(conn) for n in names]
    await conn.executemany(
        "INSERT INTO storage.objects (bucket_id, name, metadata) VALUES ($1, $2, $3::jsonb)",
        [(b, n, json.dumps({"size": len(n), "mimetype": "application/pdf",
                            "content_base64": base64.b64encode(f"{b}/{n}".encode()).decode()})) for b, n in objects])
    return objects


async def _readable(conn, user, objects) -> set[tuple[str, str]]:
    """The objects ``user``'s SELECT returns under ``authenticated`` with its claims."""
    async with as_user(conn, user) as acting:
        rows = await acting.fetch("SELECT bucket_id, name FROM storage.objects WHERE (bucket_id, name) IN "
                                  "(SELECT * FROM unnest($1::text[], $2::text[]))", [b for b, _ in objects],
                                  [n for _, n in objects])
    return {(r["bucket_id"], r["name"]) for r in rows}


def _shows(text: str, hidden, bucket: str, listing: bool) -> list[str]:
    """The hidden objects an answer shows: by ``bucket/name`` (what each object holds, and the
    key a storage API answers with), or for a listing of ``bucket`` by name."""
    return [f"{b}/{n}" for b, n in hidden if (n if listing and b == bucket else f"{b}/{n}") in text]


def _decorated(bucket: str, name: str, folders: list[str]) -> str:
    """A query naming, under every key, what the policies admit: the first folder they name, the
    object's own path under it, the bucket, a download."""
    prefix, _, file = name.partition("/")
    admitted = f"{prefix}/{(folders or ['parts'])[0]}/{file.rsplit('/', 1)[-1]}"
    values = {"folder": (folders or ["parts"])[0], "prefix": admitted.rsplit("/", 1)[0], "path": admitted,
              "bucket": bucket, "download": "1", "name": admitted, "as": "authenticated"}
    return "?" + urlencode({k: values[k] for k in QUERY_KEYS})


async def test_storage_reads_follow_rls(sut, committed_factory, lens_artifacts, record_property):
    """§5: every tier's read of every object of every bucket and folder, over every storage read
    route, answers as the storage policies do for that caller (the profile's plain read: 2xx
    exactly when RLS returns the row; any other read, or one with a query naming admitted
    folders and paths: never serving or naming more than RLS returns)."""
    conn = committed_factory.conn
    own, foreign = await _ship(committed_factory), await _ship(committed_factory)
    objects = await _plant(conn, str(own["yacht"].id), str(foreign["yacht"].id))
    folders, routes = await surface.storage_folders(conn), _routes(sut, await _published(sut))
    lines, judged = [], 0
    for user in own["users"].values():
        readable = await _readable(conn, user, objects)
        hidden, asked = [o for o in objects if o not in readable], set()
        for (bucket, name), template in ((o, t) for o in objects for t in routes):
            route = template.replace("{bucket}", bucket).replace("{path}", name)
            rls, declared = (bucket, name) in readable, template == sut.profile.storage
            for url in (route, *([route + _decorated(bucket, name, folders)] if declared else [])):
                if url in asked:   # a listing route: one request per bucket
                    continue
                asked.add(url)
                answer = await sut.request("GET", url, user=user)
                judged += 1
                served = 200 <= answer.status < 300
                shown = _shows(answer.content.decode(errors="replace"), hidden, bucket, "{path}" not in template) \
                    if served else []
                if (served and not rls and "{path}" in template) or shown:
                    lines.append(f"GET {url} as {user.role}: {answer.status}, serving what RLS hides: {shown[:2] or name}")
                elif declared and url == route and served != rls:
                    lines.append(f"GET {url} as {user.role}: {answer.status}, while RLS returns the object")
    record_property("properties[api storage].judged", str(judged))
    assert not lines, f"{len(lines)} of {judged} storage reads over HTTP disagree with RLS (§5):\n" + "\n".join(lines[:40])
