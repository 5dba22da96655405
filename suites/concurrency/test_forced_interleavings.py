"""Races forced into their worst interleaving, so one run decides (no luck of the scheduler).

An absolute adjust reads the row, then books ``target - read`` through the locking function.
Released together with consumes it meets a commit between its read and its lock only sometimes
(the red team's "adjust without its stale-read check" passed a whole gate run).  Here a consume
takes the row lock on a separate connection first and keeps it until the adjust's own backend
is seen waiting for that lock (``pg_blocking_pids``): the adjust has read the row before the
consume commits, every time, and must still land on its target.
"""
from __future__ import annotations

import asyncio

import pytest

from harness.db import as_user
from harness.sut.adapter import signature_for

from ..lens_sql import quantity, unaccounted_stock

pytestmark = pytest.mark.concurrency

OPENING = 40
TARGET = 30
#: Seconds to wait for the adjust to block on the held lock (or finish without ever taking it):
#: a liveness bound for a stuck server, not a speed requirement.
BLOCK_WAIT = 60


async def _blocked_by(observer, pid: int, call: asyncio.Task) -> bool:
    """Poll until some backend waits for ``pid``'s locks (True) or ``call`` ended (False)."""
    while not call.done():
        if await observer.fetchval("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", pid):
            return True
        await asyncio.sleep(0.02)
    return False


@pytest.mark.atomic
async def test_adjust_lands_on_its_target_when_a_consume_commits_under_it(sut, committed_factory, lens_connect,
                                                                          lens_binding):
    """A consume holds the row (uncommitted) while an adjust to 30 reads 40 and blocks on the
    lock; the consume then commits (39). Acknowledged, the adjust must leave exactly 30, and the
    ledger must account for both."""
    f = committed_factory
    yacht = await f.yacht()
    crew, hod = await f.user(yacht, "deckhand"), await f.user(yacht, "chief_engineer")
    part, loc = await f.part(yacht), await f.location(yacht)
    stock = await f.stock(part, loc, quantity=OPENING)
    holder = await lens_connect()
    body = {"part_id": str(part.id), "location_id": str(loc.id), "new_quantity": TARGET, "reason": "stock take",
            "signature": signature_for(hod, "stock take")}
    async with as_user(holder, crew, commit=True):
        consumed = await lens_binding.deduct(holder, stock.id, 1)
        assert consumed.success, consumed
        pid = await holder.fetchval("SELECT pg_backend_pid()")
        call = asyncio.create_task(sut.call(hod, "adjust_stock_quantity", body))
        blocked = await asyncio.wait_for(_blocked_by(f.conn, pid, call), BLOCK_WAIT)
    r = await call
    assert blocked or r.status != 200, "the adjust was acknowledged without waiting for the row lock held by the consume"
    assert r.status == 200, (r.status, r.json)
    assert await quantity(f.conn, stock.id) == TARGET, "the adjust applied a change computed from a stale read"
    assert await unaccounted_stock(f.conn, [yacht.id]) == set()
