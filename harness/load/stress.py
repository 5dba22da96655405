"""The concurrent-consume race: many crew members released together on one stock row.

This is the shape of the field defect (read-check-write without a row lock): with
``opening`` units and ``actors`` consumers of ``quantity`` each, a correct system lets
exactly ``opening // quantity`` win and refuses the rest with ``insufficient_stock``.
Each actor gets its own request (and so its own pooled connection in the SUT), all wait
on one barrier so their reads overlap. Plain asyncio: importing this does not load
locust or gevent.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from harness.checker import FinalState, Result, check, snapshot
from harness.db import connect
from harness.factories import Factory, purge_yachts
from harness.history import History


@dataclass
class RaceOutcome:
    result: Result
    history: History
    seconds: float  # from the release of the actors to the checker's verdict

    @property
    def detected(self) -> bool:
        return self.result.valid is False


async def consume_race(sut, dsn: str, *, actors: int = 20, opening: int = 5,
                       quantity: int = 1, role: str = "deckhand") -> RaceOutcome:
    """Seed one stock row, race ``actors`` consume_part calls on it, check, purge.

    ``sut`` is a ``SutClient``; ``dsn`` the owner DSN of the SUT's database (seeding,
    snapshot and purge only -- the race itself goes through the API).
    """
    conn = await connect(dsn)
    factory = Factory(conn, prefix="lens-stress")
    try:
        yacht = await factory.yacht()
        users = [await factory.user(yacht, role) for _ in range(actors)]
        part, location = await factory.part(yacht), await factory.location(yacht)
        stock = await factory.stock(part, location, quantity=opening)
        before = await snapshot(conn, [stock.id])
        history, barrier = History(), asyncio.Barrier(actors)
        body = {"part_id": str(part.id), "location_id": str(location.id), "quantity": quantity}

        async def actor(i: int) -> None:
            key = f"stress-{uuid.uuid4()}"
            await barrier.wait()
            with history.record(f"crew-{i}", "consume_part", stock.id, -quantity, key) as rec:
                resp = await sut.call(users[i], "consume_part", {**body, "idempotency_key": key})
                rec.from_response(resp.status, resp.json)

        started = time.monotonic()
        await asyncio.gather(*(actor(i) for i in range(actors)), return_exceptions=True)
        after = await snapshot(conn, [stock.id])
        result = check(history, FinalState.between(before, after))
        return RaceOutcome(result, history, time.monotonic() - started)
    finally:
        await purge_yachts(conn, factory.yacht_ids)
        await conn.close()
