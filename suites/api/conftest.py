"""Fixtures of the API suite: a committed yacht with one user per tier, a part, two
locations and opening stock, plus owner-side reads to check what really committed.

Everything goes through the ``sut`` adapter (HTTP), so the suite runs unchanged
against the in-process reference API or a user's own API (``--lens-api-url``);
the owner-side reads use ``lens_pool`` and never write.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from harness.factories import Location, Part, Stock, User, Yacht

from . import refusals

OPENING = 20


@dataclass
class Ship:
    yacht: Yacht
    users: dict[str, User]
    part: Part
    here: Location
    there: Location
    stock: Stock
    extra: dict = field(default_factory=dict)

    @property
    def crew(self) -> User:
        return self.users["deckhand"]

    @property
    def hod(self) -> User:
        return self.users["chief_engineer"]

    @property
    def manager(self) -> User:
        return self.users["captain"]


async def new_ship(f) -> Ship:
    """A committed yacht with one user per tier, a part, two locations and opening stock."""
    yacht, users = await f.crew(("deckhand", "chief_engineer", "captain"))
    part = await f.part(yacht)
    here, there = await f.location(yacht), await f.location(yacht)
    stock = await f.stock(part, here, quantity=OPENING)
    return Ship(yacht, users, part, here, there, stock)


@pytest_asyncio.fixture(loop_scope="session")
async def ship(committed_factory) -> Ship:
    return await new_ship(committed_factory)


@pytest_asyncio.fixture(loop_scope="session")
async def other_ship(committed_factory) -> Ship:
    """A second yacht: its ids must be invisible (404) to the first one's users."""
    return await new_ship(committed_factory)


class Ledger:
    """Owner-side reads of what actually committed (the API's answer is not evidence)."""

    def __init__(self, pool):
        self.pool = pool

    async def quantity(self, stock_id) -> int:
        return await self.pool.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", stock_id)

    async def rows(self, stock_id) -> list:
        return await self.pool.fetch(
            "SELECT * FROM pms_inventory_transactions WHERE stock_id = $1 ORDER BY created_at, id", stock_id)

    async def row(self, tx_id):
        return await self.pool.fetchrow("SELECT * FROM pms_inventory_transactions WHERE id = $1", tx_id)

    async def audit(self, yacht_id) -> list:
        return await self.pool.fetch(
            "SELECT * FROM pms_audit_log WHERE yacht_id = $1 ORDER BY created_at, id", yacht_id)

    async def count(self, table: str, yacht_id) -> int:
        return await self.pool.fetchval(f"SELECT count(*) FROM {table} WHERE yacht_id = $1", yacht_id)

    async def drift(self, yacht_id) -> list:
        return await self.pool.fetch("SELECT * FROM check_inventory_drift() WHERE yacht_id = $1", yacht_id)

    async def snapshot(self, yacht_id) -> dict:
        """Every row count of the yacht plus all stock quantities: "nothing changed" evidence."""
        tables = ("pms_inventory_transactions", "pms_part_usage", "pms_audit_log",
                  "pms_shopping_list_items", "pms_inventory_stock")
        counts = {t: await self.count(t, yacht_id) for t in tables}
        stock = await self.pool.fetch(
            "SELECT id, quantity, deleted_at FROM pms_inventory_stock WHERE yacht_id = $1 ORDER BY id", yacht_id)
        objects = await self.pool.fetchval(
            "SELECT count(*) FROM storage.objects WHERE split_part(name, '/', 1) = $1", str(yacht_id))
        return {**counts, "storage.objects": objects, "stock": [tuple(r) for r in stock]}


@pytest.fixture
def ledger(lens_pool) -> Ledger:
    return Ledger(lens_pool)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def refusal_fingerprint(lens_pool) -> str:
    return await refusals.fingerprint_sql(lens_pool)


@pytest.fixture
def sut(sut, lens_pool, refusal_fingerprint):
    """The session's client with every request judged: a 4xx changed nothing (refusals.py)."""
    return refusals.guarded(sut, lens_pool, refusal_fingerprint)
