"""CONTRACT §11.1 and §11.3 over the HTTP API, through the implementation's API profile.

Every action, run by the lowest tier it admits with a valid body, once per id field with that
id replaced by a phantom id, and every part read the profile declares with a phantom part: in
world A the phantom names nothing, in world B the other yacht holds a row under it.  Status,
error code *and message* must be the same in both worlds (a message that says "belongs to
another yacht" tells the tenant the row exists), and each refused request leaves no row.
The API runs in its own process, so world B is committed; the rows hang off the run's own
yachts and are purged with them (needs a database that allows writes).
"""
from __future__ import annotations

import uuid

from harness import roles, surface
from harness.oracles import all_or_nothing, noninterference
from harness.oracles.observation import Observation, Outcome
from harness.paths import catalog, ranks, worlds
from harness.paths.probe import Probe
from harness.paths.values import phantom_id

from ..surface.test_api_surface import _body, _lowest, _ship

#: Which table each id field of a body names.
ID_FIELDS = {"part_id": "pms_parts", "location_id": "pms_part_locations", "from_location_id": "pms_part_locations",
             "to_location_id": "pms_part_locations", "transaction_id": "pms_inventory_transactions"}


#: Query parameters a read may take an id in, beside those its OpenAPI document declares: a
#: pagination cursor looked up outside the tenant's rows answers "no such row" only for ids no
#: yacht holds (red team round 6, 23).
ID_PARAMS = ("after", "before", "cursor", "since", "starting_after", "page_token", "id")


async def _requests(sut, own: dict, transaction_id, salt, declared: dict[str, list[str]]) -> list[tuple]:
    """(label, user, action or read route, body) for every action x id field (by the lowest tier
    it admits and by a captain: a branch only a higher tier reaches), every read of a
    phantom part, and every read of an own part with each id parameter (``declared`` per route,
    and ``ID_PARAMS``) naming each table's phantom.  ``salt``: the phantoms' (each world its own,
    so a row a request of world A creates under a phantom id does not take world B's)."""
    out = []
    for action in roles.ACTIONS:
        for user in dict.fromkeys([_lowest(action, own["users"]), own["users"]["captain"]]):
            body = _body(action, own, user, transaction_id)
            out += [(f"POST {action} {field}=phantom as {user.role}", user, action,
                     {**body, field: str(phantom_id(table, salt))}) for field, table in ID_FIELDS.items() if field in body]
    reads, deckhand = [route for route in sut.profile.reads.values() if "{part_id}" in route], own["users"]["deckhand"]
    out += [(f"GET {route} part=phantom", deckhand, route.replace("{part_id}", str(phantom_id("pms_parts", salt))), None)
            for route in reads]
    return out + [(f"GET {route} ?{name}=phantom {table}", deckhand, route.replace("{part_id}", str(own["part"].id))
                   + f"?{name}={phantom_id(table, salt)}", None)
                  for route in reads for name in dict.fromkeys([*declared.get(route, ()), *ID_PARAMS])
                  for table in dict.fromkeys(ID_FIELDS.values())]


async def _opening(conn, ship: dict):
    """The ledger row the factory opened the ship's stock with (a transaction a request may name)."""
    return await conn.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1", ship["stock"].id)


async def _published(sut) -> object:
    """The API's OpenAPI document, where it serves one (PostgREST at its root), else None."""
    for path in ("/openapi.json", "/rest/v1/"):
        answer = await sut.request("GET", path)
        if answer.status == 200 and isinstance(answer.json, dict):
            return answer.json
    return None


#: Routes an API may serve beside its declared ones, often without a token: a health or status
#: page that counts rows answers with the whole fleet's activity (red team round 6, 25).
SERVICE_ROUTES = ("/healthz", "/health", "/status", "/metrics", "/version", "/")


def _plain_reads(sut, document, user) -> list[tuple]:
    """Every GET route without a path parameter (declared, the profile's reads, ``SERVICE_ROUTES``),
    with no token and as ``user``: what it answers may not move with another yacht's data."""
    declared = [route for route, ops in (document or {}).get("paths", {}).items() if isinstance(ops, dict) and "get" in ops]
    routes = [r for r in dict.fromkeys([*declared, *sut.profile.reads.values(), *SERVICE_ROUTES]) if "{" not in r]
    return [(f"GET {route} {'as ' + user.role if who else 'without a token'}", who, route, None)
            for route in routes for who in (None, user)]


def _same(a: Observation, b: Observation) -> bool:
    return noninterference.judge([a], [b], {}, "", lambda obs: True) == []


def _query_params(document) -> dict[str, list[str]]:
    """Per route of an OpenAPI document, the query parameters it declares."""
    paths = document.get("paths", {}) if isinstance(document, dict) else {}
    return {route: [p["name"] for op in ops.values() if isinstance(op, dict) for p in op.get("parameters", [])
                    if isinstance(p, dict) and p.get("in") == "query" and isinstance(p.get("name"), str)]
            for route, ops in paths.items() if isinstance(ops, dict)}


async def _observe(sut, probe: Probe, requests, token=lambda user: None, headers=None) -> list[Observation]:
    """Each request (an action with its body, or a GET with None) as its user, with the bearer
    ``token(user)`` (None: the one the binding mints) and the n-th request with ``headers[n]``,
    and the rows around it; one snapshot between two requests serves as the after of one and
    the before of the next."""
    out, before = [], await probe.snapshot()
    for (label, user, target, body), extra in zip(requests, headers or [None] * len(requests), strict=True):
        bearer = token(user)
        r = (await sut.call(user, target, body, token=bearer, headers=extra) if body is not None
             else sut.normalise(await sut.request("GET", target, user=user, token=bearer, headers=extra)))
        after = await probe.snapshot()
        out.append(Observation(label, (), f"user {user.id}" if user else "no token", Outcome(value={"status": r.status, "body": r.json}),
                               before, after))
        before = after
    return out


async def test_api_non_interference(sut, committed_factory, lens_artifacts, record_property):
    """§11.1 over HTTP: the same requests answer the same in world A and world B; §11.3: a
    refused request leaves no row."""
    conn = committed_factory.conn
    own, foreign = await _ship(committed_factory), await _ship(committed_factory)
    tx = await _opening(conn, own)
    tables = await surface.yacht_tables(conn)
    probe = Probe(conn, [own["yacht"].id, foreign["yacht"].id], tables)
    labels = worlds.labels(await probe.snapshot(), own["yacht"].id, foreign["yacht"].id)
    unseen = uuid.uuid5(own["yacht"].id, "lens-harness/world A")   # world A's phantoms: no yacht ever holds them
    labels |= {str(phantom_id(t, unseen)): f"phantom:{t}" for t in tables}
    declared = _query_params(await _published(sut))
    world_a = await _observe(sut, probe, await _requests(sut, own, tx, unseen, declared))
    plain = _plain_reads(sut, await _published(sut), own["users"]["deckhand"])
    world_a += await _observe(sut, probe, plain)
    stable = [_same(a, b) for a, b in zip(world_a[-len(plain):], await _observe(sut, probe, plain), strict=True)]
    await worlds.plant(conn, foreign["yacht"].id, tables, await catalog.unique_text_columns(conn, tables),
                       own["yacht"].id)
    await ranks.plant(conn, foreign["yacht"].id, tables, own["yacht"].id)
    world_b = await _observe(sut, probe, [*await _requests(sut, own, tx, own["yacht"].id, declared), *plain])
    kept = [True] * (len(world_a) - len(plain)) + stable   # a route that answers twice alike (no clock, no uptime)
    world_a, world_b = [o for o, k in zip(world_a, kept) if k], [o for o, k in zip(world_b, kept) if k]
    lines = noninterference.judge(world_a, world_b, labels, str(own["yacht"].id), lambda obs: True)   # every list
    lines += [line for o in (*world_a, *world_b) for line in all_or_nothing.judge(o)]
    record_property("properties[api].judged", str(len(world_a) + len(world_b)))
    assert not lines, f"{len(lines)} of {len(world_a)} requests break CONTRACT §11 over HTTP:\n" + "\n".join(lines[:40])
