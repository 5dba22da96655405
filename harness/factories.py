"""Data factories: every test builds its own yachts, users, parts, locations and stock.

Unique yachts per test are what make the suites parallel-safe (`pytest -n auto`) and safe on a
shared staging database. Stock opening balances go through the binding's `add` (the
implementation's own way of booking a receive), so the ledger accounts for every unit from the
start and `check_inventory_drift()` stays empty. Only §3 / §1 columns are written (CONTRACT §10):
a target lacking one is a conformance finding, and the test needing it is reported blocked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from harness.binding import load


@dataclass(frozen=True)
class Yacht:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    yacht_id: uuid.UUID
    role: str
    is_active: bool = True


@dataclass(frozen=True)
class Part:
    id: uuid.UUID
    yacht_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Location:
    id: uuid.UUID
    yacht_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Stock:
    id: uuid.UUID
    yacht_id: uuid.UUID
    part_id: uuid.UUID
    location_id: uuid.UUID
    quantity: int


def _tag() -> str:
    return uuid.uuid4().hex[:8]


class Factory:
    """Writes through an owner connection; the caller decides whether it commits."""

    def __init__(self, conn: asyncpg.Connection, prefix: str = "lens-test", binding=None):
        self.conn = conn
        self.prefix = prefix
        self.binding = binding or load("reference")
        self.yacht_ids: list[uuid.UUID] = []

    async def yacht(self, name: str | None = None) -> Yacht:
        name = name or f"{self.prefix}-yacht-{_tag()}"
        yid = await self.conn.fetchval("INSERT INTO yacht_registry (name) VALUES ($1) RETURNING id", name)
        self.yacht_ids.append(yid)
        return Yacht(yid, name)

    async def user(self, yacht: Yacht, role: str = "deckhand", *, active: bool = True, user_id: uuid.UUID | None = None) -> User:
        """A user whose profile is on `yacht` and who holds `role` there (inactive if asked)."""
        uid = user_id or uuid.uuid4()
        await self.conn.execute(
            "INSERT INTO auth_users_profiles (id, yacht_id, is_active) VALUES ($1, $2, true) ON CONFLICT (id) DO NOTHING",
            uid, yacht.id,
        )
        await self.conn.execute(
            "INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES ($1, $2, $3, $4)",
            uid, yacht.id, role, active,
        )
        return User(uid, yacht.id, role, active)

    async def part(self, yacht: Yacht, name: str | None = None, **columns) -> Part:
        name = name or f"part-{_tag()}"
        cols = {"part_number": f"PN-{_tag()}", "unit": "ea", **columns}
        names = ", ".join(["yacht_id", "name", *cols])
        params = ", ".join(f"${i}" for i in range(1, len(cols) + 3))
        pid = await self.conn.fetchval(
            f"INSERT INTO pms_parts ({names}) VALUES ({params}) RETURNING id", yacht.id, name, *cols.values()
        )
        return Part(pid, yacht.id, name)

    async def location(self, yacht: Yacht, name: str | None = None) -> Location:
        name = name or f"locker-{_tag()}"
        lid = await self.conn.fetchval(
            "INSERT INTO pms_part_locations (yacht_id, name, path) VALUES ($1, $2, $2) RETURNING id", yacht.id, name
        )
        return Location(lid, yacht.id, name)

    async def stock(self, part: Part, location: Location | None = None, quantity: int = 0) -> Stock:
        """A stock row whose opening balance is a `received` ledger row (drift stays zero)."""
        if location is None:
            location = await self.location(Yacht(part.yacht_id, ""))
        sid = await self.conn.fetchval(
            "INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity) "
            "VALUES ($1, $2, $3, $4, 0) RETURNING id",
            part.yacht_id, part.id, location.name, location.id,
        )
        if quantity:
            opened = await self.binding.add(self.conn, sid, quantity, yacht_id=part.yacht_id,
                                            reference_type="opening_balance")
            if not opened.success:
                raise RuntimeError(f"opening balance refused: {opened.error_code or opened.sqlstate}")
        return Stock(sid, part.yacht_id, part.id, location.id, quantity)

    async def crew(self, roles=("deckhand", "chief_engineer", "captain")) -> tuple[Yacht, dict[str, User]]:
        """A yacht with one user per role: the common starting point of a behavioural test."""
        yacht = await self.yacht()
        return yacht, {role: await self.user(yacht, role) for role in roles}


_PURGE = [
    "DELETE FROM pms_audit_log WHERE yacht_id = ANY($1)",
    "DELETE FROM pms_inventory_transactions WHERE yacht_id = ANY($1)",
    "DELETE FROM pms_part_usage WHERE yacht_id = ANY($1)",
    "DELETE FROM pms_shopping_list_items WHERE yacht_id = ANY($1)",
    "DELETE FROM pms_inventory_stock WHERE yacht_id = ANY($1)",
    "UPDATE pms_parts SET primary_location_id = NULL WHERE yacht_id = ANY($1) AND primary_location_id IS NOT NULL",
    "DELETE FROM pms_part_locations WHERE yacht_id = ANY($1)",
    "DELETE FROM pms_parts WHERE yacht_id = ANY($1)",
    "DELETE FROM auth_users_roles WHERE yacht_id = ANY($1)",
    "DELETE FROM auth_users_profiles WHERE yacht_id = ANY($1)",
    "DELETE FROM storage.objects WHERE split_part(name, '/', 1) = ANY($1::uuid[]::text[])",
    "DELETE FROM yacht_registry WHERE id = ANY($1)",
]


async def purge_yachts(conn: asyncpg.Connection, yacht_ids) -> None:
    """Remove every row a run created under its own yacht ids (nothing else is touched)."""
    ids = list(yacht_ids)
    if not ids:
        return
    async with conn.transaction():
        for stmt in _PURGE:
            await conn.execute(stmt, ids)
