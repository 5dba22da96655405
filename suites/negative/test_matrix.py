"""The role × action matrix: each of the nine actions × guest, operational crew (deckhand),
HOD (chief_engineer) and manager (captain), signed and unsigned where a signature applies, plus
a captain of another yacht. The expected answer is computed from one table (harness/roles.py,
CONTRACT §7); every cell is written to `matrix/` so the sign-off report prints the matrix."""

import json
import os
import uuid

import pytest
import pytest_asyncio

from harness.factories import Factory, purge_yachts
from harness.roles import ACTIONS, allowed
from harness.sut.adapter import signature_for

from ..api.conftest import new_ship

ACTORS = ("guest", "deckhand", "chief_engineer", "captain", "other_yacht_captain")
NOT_FOUND = {"reverse_transaction": "transaction_not_found"}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other_ship(lens_database, lens_pool, lens_binding):
    """The other yacht only lends its captain, whom every cell refuses (nothing of it changes):
    one per module instead of one per cell. Each cell still gets its own fresh `ship`."""
    if lens_database.verify_only:
        pytest.skip("verify-only DSN: this check must commit data; rerun with --lens-allow-writes to run it")
    async with lens_pool.acquire() as conn:
        factory = Factory(conn, binding=lens_binding)
        made = await new_ship(factory)
    yield made
    async with lens_pool.acquire() as conn:
        await purge_yachts(conn, factory.yacht_ids)


def _signed_variants(action: str) -> tuple:
    """None = no signature applies; for when_large: False = large unsigned, True = large signed."""
    policy = ACTIONS[action].signature
    return (None,) if policy == "never" else (None, False, True) if policy == "when_large" else (False, True)


CELLS = [(a, actor, signed) for a in sorted(ACTIONS) for actor in ACTORS for signed in _signed_variants(a)]


def expected(action: str, actor: str, signed) -> tuple[int, str | None]:
    """The handler answers in a fixed order: role gate (403), body (400), data (404/409)."""
    role = "captain" if actor == "other_yacht_captain" else actor
    if not allowed(role, action):
        return 403, "forbidden"
    # "always" is decided from the body; "when_large" needs the stock row, so 404 comes first
    if signed is False and (ACTIONS[action].signature == "always" or actor != "other_yacht_captain"):
        return 400, "signature_required"
    if actor == "other_yacht_captain":
        return 404, NOT_FOUND.get(action, "part_not_found")
    return 200, None


async def _body(action, ship, user, signed, sut, lens_pool) -> dict:
    part, here = str(ship.part.id), str(ship.here.id)
    sig = {"signature": signature_for(user, "matrix")} if signed else {}
    if action == "consume_part":
        return {"part_id": part, "location_id": here, "quantity": 1}
    if action == "receive_part":
        return {"part_id": part, "location_id": here, "quantity": 1, "idempotency_key": str(uuid.uuid4())}
    if action == "add_to_shopping_list":
        return {"part_id": part, "quantity": 2}
    if action == "adjust_stock_quantity":
        change = 1 if signed is None else 10
        return {"part_id": part, "location_id": here, "new_quantity": ship.stock.quantity + change, "reason": "stocktake", **sig}
    if action == "transfer_part":
        return {"part_id": part, "from_location_id": here, "to_location_id": str(ship.there.id), "quantity": 1}
    if action == "write_off_part":
        return {"part_id": part, "location_id": here, "quantity": 1, "reason": "damaged", **sig}
    if action == "deactivate_part":
        return {"part_id": part, "reason": "obsolete", **sig}
    if action == "reactivate_part":
        r = await sut.call(ship.hod, "deactivate_part", {"part_id": part, "reason": "setup", "signature": signature_for(ship.hod)})
        assert r.status == 200, r.json
        return {"part_id": part, **sig}
    if action == "reverse_transaction":
        r = await sut.call(ship.crew, "consume_part", {"part_id": part, "location_id": here, "quantity": 1})
        assert r.status == 200, r.json
        return {"transaction_id": r.json["transaction_id"], "reason": "mistake", **sig}
    raise AssertionError(action)


@pytest.mark.matrix
@pytest.mark.negative
@pytest.mark.parametrize("action, actor, signed", CELLS, ids=[f"{a}-{u}-{'na' if s is None else 'signed' if s else 'unsigned'}" for a, u, s in CELLS])
async def test_role_action_cell(action, actor, signed, sut, committed_factory, ship, other_ship, ledger, lens_pool, lens_artifacts, request):
    if actor == "other_yacht_captain":
        user = other_ship.manager
    else:
        user = {"deckhand": ship.crew, "chief_engineer": ship.hod, "captain": ship.manager}.get(actor) \
            or await committed_factory.user(ship.yacht, actor)
    body = await _body(action, ship, user, signed, sut, lens_pool)
    want_status, want_error = expected(action, actor, signed)
    before = await ledger.snapshot(ship.yacht.id)
    r = await sut.call(user, action, body)
    cell = {"action": action, "actor": actor, "signed": signed, "expected_status": want_status, "actual_status": r.status,
            "expected_error": want_error, "actual_error": r.error, "pass": (r.status, r.error if want_error else None) == (want_status, want_error)}
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    out = lens_artifacts / "matrix"
    out.mkdir(exist_ok=True)
    (out / f"role_action.{worker}.{request.node.callspec.id}.json").write_text(json.dumps([cell]))
    assert cell["pass"], cell
    if want_status != 200:
        assert await ledger.snapshot(ship.yacht.id) == before, "a refused request changed data"
