"""What a load run works on: its own yacht, users and stock rows, and the shared history.

Load runs may target a shared staging database, so every row they touch belongs to a
yacht they created (``seed``) and is removed afterwards (``purge``). The plan is handed
to the user classes as a class attribute (``bind``) rather than a global, so two runs
in one process cannot see each other's data.
"""

from __future__ import annotations

import functools
import itertools
import json
from contextlib import contextmanager
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import gevent.event
from locust.exception import StopUser

from harness.binding import load as load_binding
from harness.binding.api import Profile, load_profile
from harness.db import claims_for, connect
from harness.factories import Factory, Location, Part, Stock, User, purge_yachts
from harness.history import History

DEFAULT_OPENING = 1_000_000  # large enough that a load run measures speed, not refusals


@dataclass(frozen=True)
class Seeded:
    """The rows a run created: purge ``yacht_ids`` when done."""

    yacht_ids: tuple
    users: tuple[User, ...]
    stocks: tuple[Stock, ...]

    @property
    def stock_ids(self) -> list[str]:
        return [str(s.id) for s in self.stocks]

    def to_message(self) -> dict:
        """Plain data for a locust message (the master seeds, its workers act on the rows)."""
        return {"yacht_ids": [str(y) for y in self.yacht_ids],
                "users": [{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in asdict(u).items()} for u in self.users],
                "stocks": [{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in asdict(s).items()} for s in self.stocks]}

    @classmethod
    def from_message(cls, data: dict) -> "Seeded":
        def ids(row: dict) -> dict:
            return {k: uuid.UUID(v) if k == "id" or k.endswith("_id") else v for k, v in row.items()}

        return cls(tuple(uuid.UUID(y) for y in data["yacht_ids"]), tuple(User(**ids(u)) for u in data["users"]),
                   tuple(Stock(**ids(s)) for s in data["stocks"]))


class Gate:
    """Admission of tasks: the iteration bound locust core lacks, and a graceful stop.

    ``claim`` before a task, ``release`` after. With ``limit`` exactly that many tasks
    start; after ``close`` (the time bound) none does. ``done`` is set once no task is
    in flight and none may start, so the runner stops without cutting an operation in
    half -- a killed operation would be an ``info`` op the checker must tolerate.
    """

    def __init__(self, limit: int | None = None):
        self.limit, self.started, self.finished, self.closed = limit, 0, 0, False
        self.done = gevent.event.Event()

    def claim(self) -> bool:
        if self.closed or (self.limit is not None and self.started >= self.limit):
            return False
        self.started += 1
        return True

    def release(self) -> None:
        self.finished += 1
        self._settle()

    def close(self) -> None:
        self.closed = True
        self._settle()

    def _settle(self) -> None:
        spent = self.closed or (self.limit is not None and self.started >= self.limit)
        if spent and self.finished >= self.started:
            self.done.set()


@dataclass
class LoadPlan:
    seeded: Seeded
    history: History = field(default_factory=History)
    gate: Gate = field(default_factory=Gate)
    dsn: str | None = None
    mint: Callable[[User], str] | None = None  # API runs: bearer token for a seeded user
    with_details: bool = True  # the atomic functions take p_details (idempotency keys)
    quantity: int = 1
    api_profile: str = "reference"  # API runs: how to speak to the API (harness/binding/profiles)
    _next: Any = field(default_factory=itertools.count, repr=False)
    connections: list = field(default_factory=list, repr=False)

    def actor(self) -> User:
        """Seeded users handed out round-robin, one per locust user instance."""
        users = self.seeded.users
        return users[next(self._next) % len(users)]

    @functools.cached_property
    def profile(self) -> Profile:
        return load_profile(self.api_profile)

    def stock_of(self, index: int) -> Stock:
        return self.seeded.stocks[index % len(self.seeded.stocks)]

    @staticmethod
    def claims_json(user: User) -> str:
        return json.dumps(claims_for(user))


@contextmanager
def iteration(plan: LoadPlan):
    """One task admitted by the plan's gate; stops the user when the gate is shut."""
    if not plan.gate.claim():
        raise StopUser()
    try:
        yield
    finally:
        plan.gate.release()


def bind(user_class: type, plan: LoadPlan, **attrs) -> type:
    """A subclass of ``user_class`` carrying ``plan`` (and e.g. ``host``)."""
    return type(user_class.__name__, (user_class,), {"plan": plan, **attrs})


async def seed(dsn: str, *, actors: int = 4, stocks: int = 1, opening: int = DEFAULT_OPENING,
               role: str = "deckhand", binding: str | None = None) -> Seeded:
    """One yacht, ``actors`` crew users and ``stocks`` stock rows with ``opening`` units, booked
    the implementation's own way (``binding``; default: the run's)."""
    conn = await connect(dsn)
    try:
        factory = Factory(conn, prefix="lens-load", binding=load_binding(binding) if binding else None)
        yacht = await factory.yacht()
        users = [await factory.user(yacht, role) for _ in range(max(actors, 1))]
        rows = []
        for _ in range(max(stocks, 1)):
            part: Part = await factory.part(yacht)
            location: Location = await factory.location(yacht)
            rows.append(await factory.stock(part, location, quantity=opening))
        return Seeded(tuple(factory.yacht_ids), tuple(users), tuple(rows))
    finally:
        await conn.close()


async def purge(dsn: str, seeded: Seeded) -> None:
    conn = await connect(dsn)
    try:
        await purge_yachts(conn, seeded.yacht_ids)
    finally:
        await conn.close()


async def takes_details(dsn: str) -> bool:
    """Whether the target's deduct function has ``p_details`` (a user's own may not)."""
    conn = await connect(dsn)
    try:
        return bool(await conn.fetchval(
            "SELECT bool_or('p_details' = ANY(proargnames)) FROM pg_proc "
            "WHERE proname = 'deduct_stock_inventory'"))
    finally:
        await conn.close()
