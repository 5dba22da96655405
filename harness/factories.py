"""Data factories: every test builds its own yachts, users, parts, locations and stock.

Unique yachts per test are what make the suites parallel-safe (`pytest -n auto`) and safe on a
shared staging database. Stock opening balances go through the binding's `add` (the
implementation's own way of booking a receive), so the ledger accounts for every unit from the
start and `check_inventory_drift()` stays empty. Only §3 / §1 columns are written (CONTRACT §10):
a target lacking one is a conformance finding, and the test needing it is reported blocked.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass

import asyncpg

from harness.binding import load
from harness.errors import HarnessError


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


# -- the run tag (INTERFACES 4): every committed row hangs off a yacht named lens-<run_id>-... ----

TAG = "lens-"
RUN_ID_ENV = "LENS_RUN_ID"


def run_id() -> str:
    """This run's id: the one in the gate's settings file, else LENS_RUN_ID, else one made now
    and put in the environment so this process's children tag their rows the same way."""
    if not os.environ.get(RUN_ID_ENV):
        from harness.config import Settings

        handed = Settings.from_settings_file()
        os.environ[RUN_ID_ENV] = (handed and handed.run_id) or \
            f"{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    return os.environ[RUN_ID_ENV]


def _run_binding() -> str:
    """The binding of this run when the caller did not pass one (the gate's settings file, else
    LENS_BINDING, else the reference): load and stress helpers build data the target's own way."""
    from harness.config import Settings

    handed = Settings.from_settings_file()
    return handed.binding if handed else (os.environ.get("LENS_BINDING") or "reference")


class Factory:
    """Writes through an owner connection; the caller decides whether it commits."""

    def __init__(self, conn: asyncpg.Connection, prefix: str = "lens-test", binding=None):
        """`prefix` names what made the rows (lens-test, lens-load, ...); yachts are named
        `lens-<run_id>-<what>-yacht-<random>` so a purge can find them by run."""
        self.conn = conn
        self.prefix = f"{TAG}{run_id()}-{prefix.removeprefix(TAG)}"
        self.binding = binding or load(_run_binding())
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


async def _delete(conn: asyncpg.Connection, ids: list, bypass_triggers: bool) -> int:
    rows = 0
    async with conn.transaction():
        if bypass_triggers:
            await conn.execute("SET LOCAL session_replication_role = replica")
        for stmt in _PURGE:
            status = await conn.execute(stmt, ids)
            rows += int(status.split()[-1])
    return rows


async def purge_yachts(conn: asyncpg.Connection, yacht_ids) -> int:
    """Remove every row a run created under its own yacht ids (nothing else is touched); return
    how many rows went.

    Runs as the DSN's own user, which may delete what `authenticated` may not (the ledger is
    append-only for `authenticated` by privilege). A target that also guards its ledger with a
    trigger refuses the DELETE; the purge is then retried with `session_replication_role =
    replica` (user triggers off for this transaction only), which needs a superuser or, on
    PostgreSQL 15+, `GRANT SET ON PARAMETER session_replication_role TO <user>`. No DDL either way.
    """
    ids = list(yacht_ids)
    if not ids:
        return 0
    try:
        return await _delete(conn, ids, bypass_triggers=False)
    except asyncpg.PostgresError as refused:
        try:
            return await _delete(conn, ids, bypass_triggers=True)
        except asyncpg.InsufficientPrivilegeError:
            raise HarnessError(
                f"the target refused to delete the run's rows ({refused.sqlstate}: {refused}) and this user may not "
                "SET session_replication_role: purge as a user who may (superuser, or on PostgreSQL 15+ "
                "GRANT SET ON PARAMETER session_replication_role TO <user>)") from None


async def tagged_yachts(conn: asyncpg.Connection, *, run: str | None = None,
                        older_than: dt.timedelta | None = None) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the yachts harness runs created: of one run, of runs older than
    `older_than` (by yacht_registry.created_at), or all."""
    sql, args = "SELECT id, name FROM yacht_registry WHERE starts_with(name, $1)", [f"{TAG}{run}-" if run else TAG]
    if older_than is not None:
        if not await conn.fetchval("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                                   "AND table_name = 'yacht_registry' AND column_name = 'created_at'"):
            raise HarnessError("--older-than reads yacht_registry.created_at, which this database lacks: use --run ID or --all")
        sql += " AND created_at < now() - $2::interval"
        args.append(older_than)
    return [(r["id"], r["name"]) for r in await conn.fetch(sql + " ORDER BY name", *args)]


def run_of(yacht_name: str) -> str:
    """The run id inside a tagged yacht name (lens-<run_id>-<what>-yacht-<random>)."""
    return yacht_name.removeprefix(TAG).rsplit("-", 3)[0]


async def purge_tagged(dsn: str, *, run: str | None = None, older_than: dt.timedelta | None = None) -> dict:
    """Purge the tagged yachts selected as in `tagged_yachts`; say what went."""
    from harness.db import connect

    conn = await connect(dsn)
    try:
        yachts = await tagged_yachts(conn, run=run, older_than=older_than)
        rows = await purge_yachts(conn, [y for y, _ in yachts])
    finally:
        await conn.close()
    return {"yachts": len(yachts), "rows": rows, "runs": sorted({run_of(name) for _, name in yachts})}
