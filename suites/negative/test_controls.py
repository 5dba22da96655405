"""N1–N8 (CONTRACT §8): each forbidden or invalid operation is refused with exactly the status
and code the contract names, and nothing changes (stock, ledger, usage, audit, storage).
N1/N2 are checked at the data layer as `authenticated` (SQLSTATE 42501, which PostgREST answers
with 403); N3–N8 through the HTTP API. Expected and actual codes are recorded for the report."""

import uuid

import asyncpg
import pytest

from harness.db import as_user
from harness.sut.adapter import signature_for

from ..lens_sql import insert_ledger
from .test_error_table import consume


def _record(record_property, expected_status, expected_error, actual_status, actual_error):
    for key, value in (("expected_status", expected_status), ("expected_error", expected_error),
                       ("actual_status", actual_status), ("actual_error", actual_error)):
        record_property(key, str(value))


async def _refused_recorded(record_property, sut, ledger, ship, user, action, body, status, error):
    r = await sut.call(user, action, body)
    _record(record_property, status, error, r.status, r.error)
    assert (r.status, r.error) == (status, error), r.json
    return r


@pytest.mark.parametrize("test_id, ttype", [pytest.param("N1", "adjusted", marks=pytest.mark.negative("N1")),
                                            pytest.param("N2", "received", marks=pytest.mark.negative("N2"))])
async def test_crew_direct_ledger_insert_is_403(test_id, ttype, record_property, lens_pool, ship, ledger):
    before = await ledger.snapshot(ship.yacht.id)
    async with lens_pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError) as err:
            async with as_user(conn, ship.crew, commit=True):
                await insert_ledger(conn, ship, ship.crew, ttype)
    _record(record_property, 403, "42501", 403 if err.value.sqlstate == "42501" else err.value.sqlstate, err.value.sqlstate)
    assert err.value.sqlstate == "42501"
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N3")
async def test_duplicate_idempotency_key_is_409(record_property, sut, ship, ledger):
    body = consume(ship, quantity=2, idempotency_key=f"n3-{uuid.uuid4()}")
    first = await sut.call(ship.crew, "receive_part", body)
    assert first.status == 200, first.json
    before = await ledger.snapshot(ship.yacht.id)
    r = await _refused_recorded(record_property, sut, ledger, ship, ship.crew, "receive_part", body, 409, "duplicate_request")
    assert r.json["transaction_id"] == first.json["transaction_id"]
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N4")
async def test_transfer_to_the_same_location_is_400(record_property, sut, ship, ledger):
    before = await ledger.snapshot(ship.yacht.id)
    body = {"part_id": str(ship.part.id), "from_location_id": str(ship.here.id), "to_location_id": str(ship.here.id), "quantity": 1}
    await _refused_recorded(record_property, sut, ledger, ship, ship.hod, "transfer_part", body, 400, "invalid_transfer")
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N5")
async def test_large_adjust_without_signature_is_400(record_property, sut, ship, ledger):
    before = await ledger.snapshot(ship.yacht.id)
    body = {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "new_quantity": ship.stock.quantity + 10}
    await _refused_recorded(record_property, sut, ledger, ship, ship.hod, "adjust_stock_quantity", body, 400, "signature_required")
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N6")
async def test_second_reversal_is_409(record_property, sut, ship, ledger):
    consumed = await sut.call(ship.crew, "consume_part", consume(ship, quantity=2))
    body = {"transaction_id": consumed.json["transaction_id"], "reason": "mistake", "signature": signature_for(ship.manager, "mistake")}
    assert (await sut.call(ship.manager, "reverse_transaction", body)).status == 200
    before = await ledger.snapshot(ship.yacht.id)
    await _refused_recorded(record_property, sut, ledger, ship, ship.manager, "reverse_transaction", body, 409, "already_reversed")
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N7")
async def test_mutation_on_deactivated_stock_is_409(record_property, sut, ship, ledger):
    r = await sut.call(ship.hod, "deactivate_part", {"part_id": str(ship.part.id), "reason": "obsolete",
                                                     "signature": signature_for(ship.hod, "obsolete")})
    assert r.status == 200, r.json
    before = await ledger.snapshot(ship.yacht.id)
    await _refused_recorded(record_property, sut, ledger, ship, ship.crew, "consume_part", consume(ship), 409, "part_deactivated")
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.negative("N8")
async def test_storage_write_under_another_yachts_prefix_is_403(record_property, sut, ship, other_ship, ledger):
    before = await ledger.snapshot(other_ship.yacht.id)
    path = f"{other_ship.yacht.id}/parts/{other_ship.part.id}/manual.pdf"
    r = await sut.put_object(ship.crew, "documents", path, b"%PDF-1.7 forged")
    _record(record_property, 403, "forbidden", r.status, r.error)
    assert (r.status, r.error) == (403, "forbidden")
    assert await ledger.snapshot(other_ship.yacht.id) == before
