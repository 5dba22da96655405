"""Refusals generated for every action, each judged by the all-or-nothing client (refusals.py).

The fuzz suite aims its bodies at a part that does not exist, so a handler refuses them before
it touches anything; a refusal that comes later, after a first write, is only met with a body
that is valid but for one thing.  Per action (CONTRACT §7's list, the caller of its tier): the
valid body, then the same idempotency key replayed into a new bin (each location field naming a
location the part has no stock at) and with another quantity, then each field alone made
invalid (an unknown id, a zero or negative number, blank text, another user's signature, an
unknown choice).  No answer is expected here beyond "no 5xx": whatever is refused must have
changed nothing (red team round 5, 28: a duplicate receive into a new bin answered 409 and left
the bin's stock row behind).
"""
from __future__ import annotations

import uuid

import pytest

from harness.roles import ACTIONS, Tier
from harness.sut.adapter import signature_for
from harness.sut.bodies import BODIES

LOCATIONS = ("location_id", "from_location_id", "to_location_id")


def _valid(action: str, ship, user, transaction_id) -> dict:
    values = {"part_id": str(ship.part.id), "transaction_id": str(transaction_id), "location_id": str(ship.here.id),
              "from_location_id": str(ship.here.id), "to_location_id": str(ship.there.id), "quantity": 1,
              "new_quantity": ship.stock.quantity - 1, "reason": "harness refusal", "notes": "refusal",
              "usage_reason": "refusal", "idempotency_key": f"refusal-{uuid.uuid4()}", "urgency": "normal",
              "signature": signature_for(user, "harness refusal")}
    return {name: values[name] for name in BODIES[action] if name in values}


def _invalid(name: str, kind: str, other) -> list:
    """Values that break ``name``'s rule alone."""
    return {"uuid": [str(uuid.uuid4())], "quantity": [0, -1], "count": [-1], "text": [" "], "key": [" "],
            "enum": ["lens-unknown"], "signature": [signature_for(other, "not the caller"), {}]}.get(kind, [])


@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_refusals_of_every_action_write_nothing(sut, ship, committed_factory, ledger, action):
    user = {Tier.CREW: ship.crew, Tier.HOD: ship.hod, Tier.MANAGER: ship.manager}[ACTIONS[action].tier]
    other = ship.crew if user is not ship.crew else ship.hod
    booked = await ledger.rows(ship.stock.id)
    body = _valid(action, ship, user, booked[0]["id"] if booked else uuid.uuid4())
    statuses = [(await sut.call(user, action, body)).status]
    if "idempotency_key" in body:
        new_bin = await committed_factory.location(ship.yacht)
        replays = [{**body, name: str(new_bin.id)} for name in LOCATIONS if name in body]
        replays += [{**body, "quantity": body["quantity"] + 1}] if "quantity" in body else []
        statuses += [(await sut.call(user, action, replay)).status for replay in replays]
    for name, field in BODIES[action].items():
        fresh = {**body, **({"idempotency_key": f"refusal-{uuid.uuid4()}"} if "idempotency_key" in body else {})}
        for value in _invalid(name, field.kind, other):
            statuses.append((await sut.call(user, action, {**fresh, name: value})).status)
    assert max(statuses) < 500, statuses
