"""A06–A07: two concurrent actors on one stock row, on separate connections, with the race
forced every run: actor 1 opens a transaction as the user, calls the function and keeps its
transaction (and the row lock) open; actor 2, in its own transaction as the same user, calls the
same function and is shown to be *blocked by actor 1* (pg_blocking_pids) before actor 1 commits. Without FOR UPDATE actor 2
reads the stale quantity and the outcome is wrong: both consumes win, or a receive is lost."""

import asyncio

import pytest
import pytest_asyncio

from harness.db import as_user

from ..lens_sql import Ship, build_ship, ledger_rows, quantity

pytestmark = pytest.mark.concurrency


async def _blocked_by(owner, waiter_pid: int, holder_pid: int, timeout: float = 10.0) -> bool:
    """True once `waiter_pid` waits on a lock held by `holder_pid` (polled from a third connection)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await owner.fetchval("SELECT $2::int = ANY(pg_blocking_pids($1::int))", waiter_pid, holder_pid):
            return True
        await asyncio.sleep(0.02)
    return False


async def _race(lens_connect, user, call):
    """Run `call(conn)` for two actors as `user`, each in its own transaction on its own
    connection; actor 2 calls while actor 1's transaction (and its row lock) is still open.
    Returns both results and whether actor 2 was seen blocked by actor 1 before actor 1 committed."""
    first, second, owner = await lens_connect(), await lens_connect(), await lens_connect()

    async def actor_2():
        async with as_user(second, user, commit=True) as conn:
            return await call(conn)

    async with as_user(first, user, commit=True) as conn:
        result1 = await call(conn)
        pending = asyncio.create_task(actor_2())
        blocked = await _blocked_by(owner, second.get_server_pid(), first.get_server_pid())
    result2 = await asyncio.wait_for(pending, 30)  # actor 1 has committed: actor 2 proceeds
    return result1, result2, blocked


@pytest_asyncio.fixture(loop_scope="session")
async def committed_ship(committed_factory) -> Ship:
    return await build_ship(committed_factory, opening=5)


@pytest.mark.acceptance("A06")
async def test_two_concurrent_consumes_of_the_last_five_units(lens_connect, lens_binding, committed_ship):
    """The field defect: two crew consume the last 5 units at once. The locked read makes the
    loser see 0 and refuse; without it both win and the shelf is oversold."""
    ship = committed_ship
    r1, r2, blocked = await _race(lens_connect, ship.crew, lambda conn: lens_binding.deduct(conn, ship.stock.id, 5))
    owner = await lens_connect()
    rows = [r for r in await ledger_rows(owner, ship.stock.id) if r["transaction_type"] == "consumed"]
    assert blocked, "the second consumer was never blocked by the first: the race was not exercised"
    assert [(r.success, r.error_code) for r in (r1, r2)] == [(True, None), (False, "insufficient_stock")]
    assert await quantity(owner, ship.stock.id) == 0
    assert [(r["quantity_before"], r["quantity_after"]) for r in rows] == [(5, 0)]


@pytest.mark.acceptance("A07")
async def test_two_concurrent_receives_of_ten(lens_connect, lens_binding, committed_factory):
    """Receives race too: without the lock both read 0 and write 10 (a lost update), which the
    ledger chain 0→10→20 would not show."""
    ship = await build_ship(committed_factory, opening=0)
    r1, r2, blocked = await _race(lens_connect, ship.crew, lambda conn: lens_binding.add(conn, ship.stock.id, 10))
    owner = await lens_connect()
    chain = [(r["quantity_before"], r["quantity_after"]) for r in await ledger_rows(owner, ship.stock.id)]
    assert blocked, "the second receiver was never blocked by the first: the race was not exercised"
    assert (r1.success, r2.success) == (True, True)
    assert await quantity(owner, ship.stock.id) == 20
    assert chain == [(0, 10), (10, 20)], "two receives from the same quantity = a lost update"
