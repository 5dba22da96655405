"""Each error row of CONTRACT §7 through HTTP: status, specific `error` code, and — for
every refusal — proof that nothing committed (stock, ledger, usage, audit unchanged)."""
from __future__ import annotations

import uuid

import pytest

from harness.roles import ACTIONS, ALL_ROLES, UNLISTED_ROLES, allowed
from harness.sut.adapter import signature_for

pytestmark = pytest.mark.negative


def consume(ship, **over) -> dict:
    return {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 1, **over}


async def malformed(sut, ledger, ship, user, action, body):
    """§7 "any malformed body": 400 with a specific (non-empty) code, never 500, nothing moved.
    Which code is the implementation's business (CONTRACT §10)."""
    before = await ledger.snapshot(ship.yacht.id)
    r = await sut.call(user, action, body)
    assert r.status == 400 and isinstance(r.error, str) and r.error, r.json
    assert await ledger.snapshot(ship.yacht.id) == before
    return r


async def refused(sut, ledger, ship, user, action, body, status, error):
    """Assert the refusal and that the yacht's data did not move."""
    before = await ledger.snapshot(ship.yacht.id)
    r = await sut.call(user, action, body)
    assert (r.status, r.error) == (status, error), r.json
    assert await ledger.snapshot(ship.yacht.id) == before
    return r


async def test_role_gate_answers_403_before_looking_at_the_body(sut, committed_factory):
    """Every role x action: a role outside the tier gets 403 even for an empty body; a role
    inside it gets past the gate (400 for the empty body)."""
    f = committed_factory
    yacht = await f.yacht()
    for role in sorted(ALL_ROLES | UNLISTED_ROLES):
        user = await f.user(yacht, role)
        for action in ACTIONS:
            r = await sut.call(user, action, {})
            expected = 400 if allowed(role, action) else 403
            assert r.status == expected, (role, action, r.json)
            if expected == 403:
                assert r.error == "forbidden"


async def test_inactive_role_is_forbidden(sut, committed_factory, ship, ledger):
    user = await committed_factory.user(ship.yacht, "deckhand", active=False)
    await refused(sut, ledger, ship, user, "consume_part", consume(ship), 403, "forbidden")


@pytest.mark.parametrize("field, error", [
    ("part_id", "part_not_found"), ("location_id", "location_not_found")])
async def test_unknown_ids_are_404(sut, ship, ledger, field, error):
    await refused(sut, ledger, ship, ship.crew, "consume_part",
                  consume(ship, **{field: str(uuid.uuid4())}), 404, error)


async def test_other_yachts_ids_are_404(sut, ship, other_ship, ledger):
    await refused(sut, ledger, ship, ship.crew, "consume_part",
                  consume(ship, part_id=str(other_ship.part.id)), 404, "part_not_found")
    await refused(sut, ledger, ship, ship.crew, "consume_part",
                  consume(ship, location_id=str(other_ship.here.id)), 404, "location_not_found")
    tx = (await ledger.rows(other_ship.stock.id))[0]["id"]
    await refused(sut, ledger, ship, ship.manager, "reverse_transaction",
                  {"transaction_id": str(tx), "reason": "x", "signature": signature_for(ship.manager)},
                  404, "transaction_not_found")
    assert await ledger.quantity(other_ship.stock.id) == other_ship.stock.quantity


async def test_missing_stock_row_is_404(sut, ship, ledger):
    await refused(sut, ledger, ship, ship.crew, "consume_part",
                  consume(ship, location_id=str(ship.there.id)), 404, "stock_not_found")


async def test_unknown_transaction_is_404(sut, ship, ledger):
    await refused(sut, ledger, ship, ship.manager, "reverse_transaction",
                  {"transaction_id": str(uuid.uuid4()), "reason": "x",
                   "signature": signature_for(ship.manager)}, 404, "transaction_not_found")


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "3", True, None, 10**7, [1], {"n": 1}])
async def test_quantity_must_be_a_positive_integer(sut, ship, ledger, quantity):
    await refused(sut, ledger, ship, ship.crew, "consume_part", consume(ship, quantity=quantity),
                  400, "invalid_quantity")


async def test_transfer_to_the_same_location_is_refused(sut, ship, ledger):
    body = {"part_id": str(ship.part.id), "from_location_id": str(ship.here.id),
            "to_location_id": str(ship.here.id), "quantity": 1}
    await refused(sut, ledger, ship, ship.hod, "transfer_part", body, 400, "invalid_transfer")


async def test_large_adjust_threshold_is_inclusive_and_small_needs_no_signature(sut, ship, ledger):
    part = {"part_id": str(ship.part.id), "location_id": str(ship.here.id)}
    await refused(sut, ledger, ship, ship.hod, "adjust_stock_quantity",
                  {**part, "new_quantity": ship.stock.quantity - 10}, 400, "signature_required")
    r = await sut.call(ship.hod, "adjust_stock_quantity", {**part, "new_quantity": ship.stock.quantity - 9})
    assert r.status == 200, r.json


async def test_reversal_rules(sut, ship, ledger):
    consumed = await sut.call(ship.crew, "consume_part", consume(ship, quantity=2))
    reverse = {"reason": "mistake", "signature": signature_for(ship.manager, "mistake")}
    first = await sut.call(ship.manager, "reverse_transaction",
                           {**reverse, "transaction_id": consumed.json["transaction_id"]})
    assert first.status == 200, first.json
    await refused(sut, ledger, ship, ship.manager, "reverse_transaction",
                  {**reverse, "transaction_id": consumed.json["transaction_id"]}, 409, "already_reversed")
    await refused(sut, ledger, ship, ship.manager, "reverse_transaction",
                  {**reverse, "transaction_id": first.json["transaction_id"]}, 400, "invalid_reversal")


async def test_transfer_legs_are_not_reversible_one_by_one(sut, ship, ledger):
    moved = await sut.call(ship.hod, "transfer_part", {
        "part_id": str(ship.part.id), "from_location_id": str(ship.here.id),
        "to_location_id": str(ship.there.id), "quantity": 1})
    await refused(sut, ledger, ship, ship.manager, "reverse_transaction",
                  {"transaction_id": moved.json["out"]["transaction_id"], "reason": "x",
                   "signature": signature_for(ship.manager)}, 400, "invalid_reversal")


async def test_deactivated_part_refuses_mutations(sut, ship, ledger):
    r = await sut.call(ship.hod, "deactivate_part", {"part_id": str(ship.part.id), "reason": "old",
                                                     "signature": signature_for(ship.hod)})
    assert r.status == 200, r.json
    key = {"idempotency_key": str(uuid.uuid4())}
    for user, action, body in [
        (ship.crew, "consume_part", consume(ship)),
        (ship.crew, "receive_part", consume(ship, **key)),
        (ship.crew, "add_to_shopping_list", {"part_id": str(ship.part.id), "quantity": 1}),
        (ship.hod, "adjust_stock_quantity",
         {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "new_quantity": 19}),
        (ship.hod, "deactivate_part",
         {"part_id": str(ship.part.id), "reason": "again", "signature": signature_for(ship.hod)}),
    ]:
        await refused(sut, ledger, ship, user, action, body, 409, "part_deactivated")


async def test_insufficient_stock(sut, ship, ledger):
    await refused(sut, ledger, ship, ship.crew, "consume_part",
                  consume(ship, quantity=ship.stock.quantity + 1), 409, "insufficient_stock")


async def test_duplicate_idempotency_key_returns_the_original(sut, ship, ledger):
    body = consume(ship, quantity=3, idempotency_key=f"dup-{uuid.uuid4()}")
    first = await sut.call(ship.crew, "receive_part", body)
    assert first.status == 200, first.json
    r = await refused(sut, ledger, ship, ship.crew, "receive_part", body, 409, "duplicate_request")
    assert r.json["transaction_id"] == first.json["transaction_id"]


async def test_receive_requires_an_idempotency_key(sut, ship, ledger):
    """§7: receive_part without idempotency_key is a malformed body: 400 with a specific code
    (the reference's wording, idempotency_key_required, is pinned in suites/reference/)."""
    await malformed(sut, ledger, ship, ship.crew, "receive_part", consume(ship))


MALFORMED_BODIES = [  # (body, the reference's code: pinned in suites/reference/)
    ([1, 2], "invalid_body"),
    ("text", "invalid_body"),
    (None, "invalid_body"),
    ({"part_id": "not-a-uuid", "location_id": "x", "quantity": 1}, "invalid_uuid"),
    ({"part_id": 5, "location_id": "x", "quantity": 1}, "invalid_uuid"),
    ({"location_id": str(uuid.uuid4()), "quantity": 1}, "missing_field"),
    ({"bogus": 1}, "unknown_field"),
]
BROKEN_JSON = [b"{", b"", b"\xff\xfe", b'{"a": NaN}', b'{"quantity": 1, "quantity": 2}', b"[" * 5_000,
               b'{"quantity": 1e999}']
UNSTORABLE_TEXT = ("nul\x00byte", "lone\ud800surrogate")


async def post_raw(sut, user, content) -> object:
    """Raw bytes as the whole request of consume_part, wherever the API profile routes it."""
    return await sut.send(user, "consume_part", content)


@pytest.mark.parametrize("body", [b for b, _ in MALFORMED_BODIES])
async def test_malformed_bodies_are_400(sut, ship, ledger, body):
    """The action's body (inside the profile's envelope, if it has one) is malformed."""
    before = await ledger.snapshot(ship.yacht.id)
    r = await sut.call(ship.crew, "consume_part", body)
    assert r.status == 400 and isinstance(r.error, str) and r.error, r.json
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.parametrize("raw", BROKEN_JSON)
async def test_broken_json_is_400(sut, ship, ledger, raw):
    before = await ledger.snapshot(ship.yacht.id)
    r = await post_raw(sut, ship.crew, raw)
    assert r.status == 400 and isinstance(r.error, str) and r.error, r.json
    assert await ledger.snapshot(ship.yacht.id) == before


async def test_text_that_postgres_cannot_store_is_400(sut, ship, ledger):
    for notes in UNSTORABLE_TEXT:
        await malformed(sut, ledger, ship, ship.crew, "consume_part", consume(ship, notes=notes))


async def test_storage_is_decided_by_policy(sut, ship, other_ship):
    """§5: another yacht's prefix, a non-parts folder or an escaping path is never written or
    read; the owner's own path is. The reference's codes for the rest are in suites/reference/."""
    theirs = f"{other_ship.yacht.id}/parts/{other_ship.part.id}/spec.pdf"
    r = await sut.put_object(ship.crew, "documents", theirs, b"x")
    assert (r.status, r.error) == (403, "forbidden")
    assert (await sut.put_object(other_ship.crew, "documents", theirs, b"x")).status == 201
    r = await sut.get_object(ship.crew, "documents", theirs)
    assert r.status in (403, 404) and r.content != b"x", r.json
    r = await sut.put_object(ship.crew, "documents", f"{ship.yacht.id}/other/a.pdf", b"x")
    assert (r.status, r.error) == (403, "forbidden")
    r = await sut.put_object(ship.crew, "documents", ESCAPING_PATH.format(mine=ship.yacht.id, theirs=other_ship.yacht.id), b"x")
    assert r.status in (400, 403), r.json   # refused, however it is spelled
    mine = f"{ship.yacht.id}/parts/a.pdf"
    assert (await sut.put_object(ship.crew, "documents", mine, b"1")).status == 201
    assert (await sut.get_object(ship.crew, "documents", mine)).status == 200


ESCAPING_PATH = "{mine}/parts/%2E%2E/%2E%2E/{theirs}/parts/a"
