"""Faults and races through HTTP.

* A connection killed mid-action (while the action waits on the stock row lock) leaves
  stock, ledger, usage and audit exactly as they were, answers 503, and the API recovers.
* Two concurrent consumes of the last units: the reference lets exactly one win.
"""
from __future__ import annotations

import asyncio

import pytest

from harness.sut.adapter import signature_for

pytestmark = pytest.mark.api


def consume(ship, quantity: int) -> dict:
    return {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": quantity}


async def _blocked_by(conn, holder_pid: int, timeout: float = 90.0) -> int:
    """The pid of the backend waiting on a lock held by ``holder_pid`` (a generous bound: on a
    loaded CI machine the API may take many seconds to reach the lock; it is not a speed check)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        pid = await conn.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) LIMIT 1", holder_pid)
        if pid:
            return pid
        await asyncio.sleep(0.05)
    raise AssertionError("the action never blocked on the stock row lock")


async def test_killed_connection_mid_action_changes_nothing(sut, ship, ledger, lens_connect):
    locker = await lens_connect()
    before = await ledger.snapshot(ship.yacht.id)
    holder = await locker.fetchval("SELECT pg_backend_pid()")
    lock = locker.transaction()
    await lock.start()
    await locker.execute("SELECT 1 FROM pms_inventory_stock WHERE id = $1 FOR UPDATE", ship.stock.id)
    action = asyncio.create_task(sut.call(ship.crew, "consume_part", consume(ship, 2)))
    try:
        victim = await _blocked_by(locker, holder)
        assert await locker.fetchval("SELECT pg_terminate_backend($1)", victim)
        r = await asyncio.wait_for(action, 30)
    finally:
        await lock.rollback()
        if not action.done():
            action.cancel()
    assert r.status == 503 and r.error == "database_unavailable", r.json
    assert await ledger.snapshot(ship.yacht.id) == before
    assert await ledger.drift(ship.yacht.id) == []
    again = await sut.call(ship.crew, "consume_part", consume(ship, 2))
    assert again.status == 200, again.json


async def _race_last_units(client, ship, committed_factory):
    """Two crew members consume the last 5 units at the same time."""
    other = await committed_factory.user(ship.yacht, "bosun")
    take_all = await client.call(ship.hod, "adjust_stock_quantity", {
        "part_id": str(ship.part.id), "location_id": str(ship.here.id), "new_quantity": 5,
        "signature": signature_for(ship.hod, "count before the race")})
    assert take_all.status == 200, take_all.json
    return await asyncio.gather(*(client.call(u, "consume_part", consume(ship, 5))
                                  for u in (ship.crew, other)))


async def test_reference_lets_exactly_one_consumer_win(sut, ship, ledger, committed_factory):
    results = await _race_last_units(sut, ship, committed_factory)
    assert sorted((r.status, r.error) for r in results) == [(200, None), (409, "insufficient_stock")]
    assert await ledger.quantity(ship.stock.id) == 0
    assert await ledger.drift(ship.yacht.id) == []


async def test_opposite_transfers_do_not_deadlock(sut, ship, ledger, committed_factory):
    """A->B and B->A at the same time: both lock the two stock rows in one order."""
    there = await committed_factory.stock(ship.part, ship.there, quantity=20)

    def transfer(src, dst):
        return sut.call(ship.hod, "transfer_part", {
            "part_id": str(ship.part.id), "from_location_id": str(src.id),
            "to_location_id": str(dst.id), "quantity": 1})

    results = await asyncio.gather(*(transfer(*pair) for _ in range(10)
                                     for pair in ((ship.here, ship.there), (ship.there, ship.here))))
    assert [r.status for r in results] == [200] * 20, [r.json for r in results if r.status != 200]
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity
    assert await ledger.quantity(there.id) == 20
    assert await ledger.drift(ship.yacht.id) == []
