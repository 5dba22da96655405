"""Reference-only HTTP checks: the reference API's own error codes beyond CONTRACT §7 (which
only asks for "400 and a specific code" for a malformed body) and its routes beyond the nine
actions. The negative suite asserts the contract's part (status, a code, nothing moved)."""

import json

import pytest

from ...negative.test_error_table import (
    BROKEN_JSON,
    ESCAPING_PATH,
    MALFORMED_BODIES,
    UNSTORABLE_TEXT,
    consume,
    post_raw,
)


@pytest.mark.parametrize("body, error", MALFORMED_BODIES)
async def test_malformed_body_codes(sut, ship, body, error):
    r = await post_raw(sut, ship.crew, json.dumps(body))
    assert (r.status, r.error) == (400, error), r.json


@pytest.mark.parametrize("raw", BROKEN_JSON)
async def test_broken_json_is_invalid_json(sut, ship, raw):
    r = await post_raw(sut, ship.crew, raw)
    assert (r.status, r.error) == (400, "invalid_json"), r.json


async def test_field_codes(sut, ship):
    """receive without a key: idempotency_key_required; text PostgreSQL cannot store: invalid_field."""
    r = await sut.call(ship.crew, "receive_part", consume(ship))
    assert (r.status, r.error) == (400, "idempotency_key_required"), r.json
    for notes in UNSTORABLE_TEXT:
        r = await sut.call(ship.crew, "consume_part", consume(ship, notes=notes))
        assert (r.status, r.error) == (400, "invalid_field"), r.json


async def test_oversized_body_is_413_and_unknown_routes_are_json_404(sut, ship):
    r = await post_raw(sut, ship.crew, b'{"notes": "' + b"x" * 70_000 + b'"}')
    assert (r.status, r.error) == (413, "payload_too_large")
    r = await sut.call(ship.crew, "launch_rockets", {})
    assert (r.status, r.error) == (404, "unknown_action")
    r = await sut.get(ship.crew, "/v1/nowhere")
    assert (r.status, r.error) == (404, "not_found")
    r = await sut.get(ship.crew, "/v1/parts/not-a-uuid/stock")
    assert (r.status, r.error) == (400, "invalid_uuid")


async def test_storage_codes(sut, ship, other_ship):
    """Another yacht's object reads as object_not_found (no existence oracle), an escaping path
    is invalid_path before any policy, and an existing object is object_exists."""
    theirs = f"{other_ship.yacht.id}/parts/{other_ship.part.id}/spec.pdf"
    assert (await sut.put_object(other_ship.crew, "documents", theirs, b"x")).status == 201
    r = await sut.get_object(ship.crew, "documents", theirs)
    assert (r.status, r.error) == (404, "object_not_found")
    r = await sut.put_object(ship.crew, "documents", ESCAPING_PATH.format(mine=ship.yacht.id, theirs=other_ship.yacht.id), b"x")
    assert (r.status, r.error) == (400, "invalid_path")
    mine = f"{ship.yacht.id}/parts/a.pdf"
    assert (await sut.put_object(ship.crew, "documents", mine, b"1")).status == 201
    r = await sut.put_object(ship.crew, "documents", mine, b"2")
    assert (r.status, r.error) == (409, "object_exists")
