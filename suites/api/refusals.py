"""CONTRACT §11.3 over HTTP on every request: a refused request (4xx) changed nothing.

Only some requests were judged for leftovers (a phantom id, a bad token); a handler that made
the new bin in its own transaction and then answered 409 duplicate_request left a stock row
behind (red team round 5, 28).  So every request the API and negative suites send goes
through this client: the caller's yacht's rows, every per-yacht table and its storage objects,
are fingerprinted server-side (one md5 per table, one round trip) before the request, and
again after a 4xx; any table whose fingerprint moved fails the test at that request.  A request
that overlapped another (a race a test starts on purpose) is not judged: the other's writes
are not its own.
"""
from __future__ import annotations

import copy

from harness import surface


class RefusalWroteRows(AssertionError):
    pass


async def fingerprint_sql(pool) -> str:
    async with pool.acquire() as conn:
        tables = await surface.yacht_tables(conn)
    parts = [f"SELECT '{t}' AS t, to_jsonb(x)::text AS r FROM public.{t} x WHERE x.yacht_id = $1::uuid" for t in tables]
    parts.append("SELECT 'storage.objects', to_jsonb(o)::text FROM storage.objects o "
                 "WHERE split_part(o.name, '/', 1) = $1::text")
    return f"SELECT t, md5(string_agg(r, ',' ORDER BY r)) AS h FROM ({' UNION ALL '.join(parts)}) s GROUP BY t"


def guarded(sut, pool, sql: str):
    """A copy of the ``sut`` client whose every request is judged (module docstring)."""
    client = copy.copy(sut)
    send = type(sut).request
    running: list[dict] = []

    async def footprint(yacht) -> dict:
        return {r["t"]: r["h"] for r in await pool.fetch(sql, str(yacht))}

    async def request(method: str, path: str, **kwargs):
        yacht = getattr(kwargs.get("user"), "yacht_id", None)
        mine = {"alone": not running}
        for other in running:
            other["alone"] = False
        running.append(mine)
        try:
            before = await footprint(yacht) if yacht is not None else None
            resp = await send(client, method, path, **kwargs)
        finally:
            running.remove(mine)
        if before is not None and mine["alone"] and 400 <= resp.status < 500:
            after = await footprint(yacht)
            moved = sorted(t for t in {*before, *after} if before.get(t) != after.get(t))
            if moved:
                raise RefusalWroteRows(
                    f"all-or-nothing: {method} {path} answered {resp.status} "
                    f"{(resp.json or {}).get('error') if isinstance(resp.json, dict) else ''} yet changed the "
                    f"caller's yacht's {', '.join(moved)} (CONTRACT §11.3: a refused request leaves no row)")
        return resp

    client.request = request
    return client
