"""A06–A07: two concurrent actors on one stock row, on separate connections, with the race
forced every run: actor 1 takes the row lock inside its open transaction, actor 2 is shown to
be *waiting on that lock* (pg_stat_activity) before actor 1 commits. A handler or function that
reads without FOR UPDATE is caught either way: actor 2 does not wait, or both win."""

import asyncio
import json

import pytest
import pytest_asyncio

from harness.db import claims_for

from ..lens_sql import Ship, add, build_ship, deduct, ledger_rows, quantity

pytestmark = pytest.mark.concurrency


async def _begin_as(conn, user):
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SET LOCAL ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims_for(user)))
    return tx


async def _waiting_on_lock(owner, pid, timeout=10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await owner.fetchval("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid):
            return True
        await asyncio.sleep(0.02)
    return False


async def _race(lens_connect, user, call):
    """Run `call(conn)` for two actors; actor 2 starts while actor 1 holds the row lock."""
    first, second, owner = await lens_connect(), await lens_connect(), await lens_connect()
    tx1, tx2 = await _begin_as(first, user), await _begin_as(second, user)
    result1 = await call(first)
    pending = asyncio.create_task(call(second))
    blocked = await _waiting_on_lock(owner, second.get_server_pid())
    await tx1.commit()
    result2 = await asyncio.wait_for(pending, 30)
    await tx2.commit()
    return result1, result2, blocked


@pytest_asyncio.fixture(loop_scope="session")
async def committed_ship(committed_factory) -> Ship:
    return await build_ship(committed_factory, opening=5)


@pytest.mark.acceptance("A06")
async def test_two_concurrent_consumes_of_the_last_five_units(lens_connect, committed_ship):
    ship = committed_ship
    r1, r2, blocked = await _race(lens_connect, ship.crew, lambda conn: deduct(conn, ship.stock.id, 5))
    owner = await lens_connect()
    rows = [r for r in await ledger_rows(owner, ship.stock.id) if r["transaction_type"] == "consumed"]
    assert blocked, "the second consumer never waited for the row lock: the read is not locked"
    assert [r["success"] for r in (r1, r2)] == [True, False]
    assert r2["error_code"] == "insufficient_stock"
    assert await quantity(owner, ship.stock.id) == 0
    assert len(rows) == 1 and (rows[0]["quantity_before"], rows[0]["quantity_after"]) == (5, 0)


@pytest.mark.acceptance("A07")
async def test_two_concurrent_receives_of_ten(lens_connect, committed_factory):
    ship = await build_ship(committed_factory, opening=0)
    r1, r2, blocked = await _race(lens_connect, ship.crew, lambda conn: add(conn, ship.stock.id, 10))
    owner = await lens_connect()
    chain = [(r["quantity_before"], r["quantity_after"]) for r in await ledger_rows(owner, ship.stock.id)]
    assert blocked, "the second receiver never waited for the row lock"
    assert r1["success"] and r2["success"]
    assert await quantity(owner, ship.stock.id) == 20
    assert chain == [(0, 10), (10, 20)], "two receives from the same quantity = a lost update"
