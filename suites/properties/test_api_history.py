"""CONTRACT §11.1 over HTTP across requests: what another yacht did before changes nothing a
tenant sees.

State an API keeps beyond one request (an idempotency key, a replay cache, a counter, anything
"already seen") must be the yacht's own: §4 says the same key is fine on another yacht.  A
table, an index or a handler cache that scopes it to the fleet answers a tenant's first use of
a key with 409, or replays another yacht's transaction, only after another yacht used that key,
so no check made in an empty world meets it.

Each world gives the tenant a fresh ship of the same shape.  In world B another yacht first
sends the very same requests (same idempotency keys, on its own ship); in world A nobody does.
The tenant then sends every action (a valid body by the lowest tier it admits, each with an
idempotency key: an action that ignores it loses nothing) and every action again with the same
key (its own replays).  Status, body and the footprint on its own rows must be the same in both
worlds, ids labelled by their place in the ship.
"""
from __future__ import annotations

import uuid

from harness import roles, surface
from harness.oracles import all_or_nothing
from harness.oracles.observation import differences, tenant_view
from harness.paths.probe import Probe

from ..surface.test_api_surface import _body, _lowest, _ship
from .test_api_properties import _observe, _opening

SHIP = ("part", "here", "there", "stock", "yacht")


def _requests(ship: dict, opening, keys: dict[str, str]) -> list[tuple]:
    """Every action with its key, then every action again with the same key."""
    once = []
    for action in roles.ACTIONS:
        user = _lowest(action, ship["users"])
        once.append((f"POST {action} as {user.role}", user, action,
                     {**_body(action, ship, user, opening), "idempotency_key": keys[action]}))
    return once + [(f"{label} (same key again)", *rest) for label, *rest in once]


def _labels(ship: dict, opening) -> dict[str, str]:
    out = {str(ship[k].id): k for k in SHIP if k != "yacht"}
    out |= {str(user.id): f"user:{role}" for role, user in ship["users"].items()}
    return out | {str(ship["yacht"].id): "own yacht", str(opening): "opening transaction"}


async def test_api_history_of_another_yacht_changes_nothing(sut, committed_factory, record_property):
    """§11.1: a tenant's requests answer alike whether or not another yacht sent the same ones
    (same idempotency keys) before; §11.3: each refused request leaves no row."""
    f, conn = committed_factory, committed_factory.conn
    run = uuid.uuid4().hex[:12]
    keys = {action: f"lens-history-{action}-{run}" for action in roles.ACTIONS}
    tables = await surface.yacht_tables(conn)
    observed, views = [], {}
    for ship in (await _ship(f), await _ship(f), await _ship(f)):   # tenant in A, the other yacht, tenant in B
        opening = await _opening(conn, ship)
        seen = await _observe(sut, Probe(conn, [ship["yacht"].id], tables), _requests(ship, opening, keys))
        views |= {id(o): tenant_view(_labels(ship, opening), str(ship["yacht"].id)) for o in seen}
        observed.append(seen)
    world_a, _, world_b = observed
    lines = [f"non-interference: {line}" for line in differences(
        world_a, world_b, lambda obs: views[id(obs)](obs),
        ("world A (no other yacht used the keys)", "world B (another yacht sent the same requests first)"))]
    lines += [line for o in (*world_a, *world_b) for line in all_or_nothing.judge(o)]
    record_property("properties[api-history].judged", str(len(world_a) + len(world_b)))
    assert not lines, f"{len(lines)} of {len(world_a)} requests break CONTRACT §11 over HTTP:\n" + "\n".join(lines[:40])
