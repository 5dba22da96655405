"""Happy path of every action of CONTRACT §7 through HTTP, checked against what committed:
the stock change, the ledger row(s), the usage row (consume) and the audit row of one
transaction, with the audit signature '{}' when unsigned and zero drift afterwards."""
from __future__ import annotations

import json
import uuid

import pytest

from harness.sut.adapter import signature_for

pytestmark = pytest.mark.api


def _sig(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value


async def _last_audit(ledger, ship, action: str):
    rows = [r for r in await ledger.audit(ship.yacht.id) if r["action"] == action]
    assert len(rows) == 1, f"expected exactly one audit row for {action}"
    return rows[0]


async def test_consume_writes_usage_ledger_stock_and_audit(sut, ship, ledger):
    body = {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 3,
            "usage_reason": "pump seal", "work_order_id": str(uuid.uuid4())}
    r = await sut.call(ship.crew, "consume_part", body)
    assert r.status == 200, r.json
    assert (r.json["quantity_before"], r.json["quantity_after"]) == (ship.stock.quantity, ship.stock.quantity - 3)
    row = await ledger.row(uuid.UUID(r.json["transaction_id"]))
    assert row["transaction_type"] == "consumed" and row["quantity_change"] == -3
    assert str(row["usage_id"]) == r.json["usage_id"] and row["user_id"] == ship.crew.id
    usage = await ledger.pool.fetchrow("SELECT * FROM pms_part_usage WHERE id = $1", row["usage_id"])
    assert usage["quantity"] == 3 and usage["used_by"] == ship.crew.id
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity - 3
    assert _sig((await _last_audit(ledger, ship, "consume_part"))["signature"]) == {}
    assert await ledger.drift(ship.yacht.id) == []


async def test_receive_creates_the_stock_row_when_missing(sut, ship, ledger):
    body = {"part_id": str(ship.part.id), "location_id": str(ship.there.id), "quantity": 7,
            "idempotency_key": f"rcv-{uuid.uuid4()}"}
    r = await sut.call(ship.crew, "receive_part", body)
    assert r.status == 200, r.json
    assert (r.json["quantity_before"], r.json["quantity_after"]) == (0, 7)
    row = await ledger.row(uuid.UUID(r.json["transaction_id"]))
    assert row["transaction_type"] == "received" and row["idempotency_key"] == body["idempotency_key"]
    assert await ledger.quantity(row["stock_id"]) == 7
    assert _sig((await _last_audit(ledger, ship, "receive_part"))["signature"]) == {}
    assert await ledger.drift(ship.yacht.id) == []


async def test_add_to_shopping_list(sut, ship, ledger):
    r = await sut.call(ship.crew, "add_to_shopping_list",
                       {"part_id": str(ship.part.id), "quantity": 4, "urgency": "high"})
    assert r.status == 200, r.json
    item = await ledger.pool.fetchrow("SELECT * FROM pms_shopping_list_items WHERE id = $1",
                                      uuid.UUID(r.json["item_id"]))
    assert (item["quantity_requested"], item["urgency"], item["part_name"]) == (4, "high", ship.part.name)
    assert item["created_by"] == ship.crew.id
    await _last_audit(ledger, ship, "add_to_shopping_list")


@pytest.mark.parametrize("delta, signed", [(-2, False), (15, True)])
async def test_adjust_small_unsigned_and_large_signed(sut, ship, ledger, delta, signed):
    new_quantity = ship.stock.quantity + delta
    body = {"part_id": str(ship.part.id), "location_id": str(ship.here.id),
            "new_quantity": new_quantity, "reason": "stock count"}
    if signed:
        body["signature"] = signature_for(ship.hod, "count after refit")
    r = await sut.call(ship.hod, "adjust_stock_quantity", body)
    assert r.status == 200, r.json
    row = await ledger.row(uuid.UUID(r.json["transaction_id"]))
    assert row["transaction_type"] == "adjusted" and row["quantity_change"] == new_quantity - ship.stock.quantity
    assert await ledger.quantity(ship.stock.id) == new_quantity
    audit_sig = _sig((await _last_audit(ledger, ship, "adjust_stock_quantity"))["signature"])
    if signed:
        assert row["signed_by"] == ship.hod.id and _sig(row["signature"])["user_id"] == str(ship.hod.id)
        assert audit_sig["reason"] == "count after refit"
    else:
        assert audit_sig == {} and row["signature"] in (None, "{}")
    assert await ledger.drift(ship.yacht.id) == []


async def test_transfer_books_a_pair_in_one_group(sut, ship, ledger):
    body = {"part_id": str(ship.part.id), "from_location_id": str(ship.here.id),
            "to_location_id": str(ship.there.id), "quantity": 5}
    r = await sut.call(ship.hod, "transfer_part", body)
    assert r.status == 200, r.json
    out_row = await ledger.row(uuid.UUID(r.json["out"]["transaction_id"]))
    in_row = await ledger.row(uuid.UUID(r.json["in"]["transaction_id"]))
    assert (out_row["transaction_type"], out_row["quantity_change"]) == ("transferred_out", -5)
    assert (in_row["transaction_type"], in_row["quantity_change"]) == ("transferred_in", 5)
    assert out_row["transfer_group_id"] == in_row["transfer_group_id"] == uuid.UUID(r.json["transfer_group_id"])
    assert (out_row["from_location_id"], out_row["to_location_id"]) == (ship.here.id, ship.there.id)
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity - 5
    assert await ledger.quantity(in_row["stock_id"]) == 5
    assert await ledger.drift(ship.yacht.id) == []


async def test_write_off_is_signed(sut, ship, ledger):
    sig = signature_for(ship.hod, "corroded")
    r = await sut.call(ship.hod, "write_off_part", {
        "part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 2,
        "reason": "corroded", "signature": sig})
    assert r.status == 200, r.json
    row = await ledger.row(uuid.UUID(r.json["transaction_id"]))
    assert (row["transaction_type"], row["quantity_change"], row["signed_by"]) == ("write_off", -2, ship.hod.id)
    assert _sig((await _last_audit(ledger, ship, "write_off_part"))["signature"])["signed_at"] == sig["signed_at"]


async def test_deactivate_then_reactivate(sut, ship, ledger):
    part = {"part_id": str(ship.part.id)}
    r = await sut.call(ship.hod, "deactivate_part",
                       {**part, "reason": "obsolete", "signature": signature_for(ship.hod, "obsolete")})
    assert r.status == 200, r.json
    assert r.json["stock_rows"] == 1
    deleted = await ledger.pool.fetchval("SELECT deleted_at FROM pms_inventory_stock WHERE id = $1", ship.stock.id)
    assert deleted is not None
    consume = {**part, "location_id": str(ship.here.id), "quantity": 1}
    assert (await sut.call(ship.crew, "consume_part", consume)).error == "part_deactivated"
    r = await sut.call(ship.hod, "reactivate_part", {**part, "signature": signature_for(ship.hod, "back")})
    assert r.status == 200, r.json
    assert (await sut.call(ship.crew, "consume_part", consume)).status == 200
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity - 1
    for action in ("deactivate_part", "reactivate_part"):
        assert _sig((await _last_audit(ledger, ship, action))["signature"])["user_id"] == str(ship.hod.id)


async def test_reverse_books_the_opposite_change(sut, ship, ledger):
    consumed = await sut.call(ship.crew, "consume_part", {
        "part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 4})
    r = await sut.call(ship.manager, "reverse_transaction", {
        "transaction_id": consumed.json["transaction_id"], "reason": "wrong part",
        "signature": signature_for(ship.manager, "wrong part")})
    assert r.status == 200, r.json
    row = await ledger.row(uuid.UUID(r.json["transaction_id"]))
    assert (row["transaction_type"], row["quantity_change"]) == ("reversed", 4)
    assert str(row["reverses_transaction_id"]) == consumed.json["transaction_id"]
    assert row["signed_by"] == ship.manager.id
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity
    assert await ledger.drift(ship.yacht.id) == []
