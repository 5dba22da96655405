"""SQL-level helpers shared by the acceptance suites: insert ledger rows directly, read what
really committed. Only CONTRACT §10's left column is used here (§3 tables and columns); calling
the atomic functions goes through the binding (`lens_binding`). Kept tiny so each test reads as
its contract line."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from harness.db import as_service_role, current_identity
from harness.factories import Factory, Location, Part, Stock, User, Yacht

OPENING = 10
TIERS = {"crew": "deckhand", "hod": "chief_engineer", "manager": "captain"}
LEDGER_TYPES = ("received", "consumed", "adjusted", "transferred_out", "transferred_in", "write_off", "reversed")


@dataclass
class Ship:
    """One yacht with a user per tier, a part, two locations and stock at the first one."""

    yacht: Yacht
    crew: User
    hod: User
    manager: User
    part: Part
    here: Location
    there: Location
    stock: Stock


async def build_ship(f: Factory, opening: int = OPENING) -> Ship:
    yacht = await f.yacht()
    users = {tier: await f.user(yacht, role) for tier, role in TIERS.items()}
    part = await f.part(yacht)
    here, there = await f.location(yacht), await f.location(yacht)
    stock = await f.stock(part, here, quantity=opening)
    return Ship(yacht, users["crew"], users["hod"], users["manager"], part, here, there, stock)


SIGNED_CHANGE = {"received": 1, "transferred_in": 1, "consumed": -1, "transferred_out": -1, "write_off": -1,
                 "adjusted": 1, "reversed": -1}
SIGNED_TYPES = ("write_off", "reversed")  # CONTRACT §4: always signed


async def insert_ledger(conn, ship: Ship, user: User | None, ttype: str, change: int | None = None, *,
                        returning: bool = True, **cols) -> uuid.UUID | str:
    """A direct INSERT into the ledger (what PostgREST lets a client try), consistent with the
    stock row's current quantity and signed where §4 asks, so only the policy under test can refuse it.  Without
    ``returning`` (PostgREST's ``return=minimal``) no SELECT policy applies to the new row, so
    a permissive INSERT policy on another yacht is not masked; the command tag is returned."""
    if change is None and ttype == "reversed" and cols.get("reverses_transaction_id"):  # §4: the exact opposite
        change = await conn.fetchval("SELECT -quantity_change FROM pms_inventory_transactions WHERE id = $1",
                                     cols["reverses_transaction_id"])
    change = change if change is not None else SIGNED_CHANGE[ttype]
    if ttype in SIGNED_TYPES and user is not None and "signature" not in cols:  # §4: a valid row is signed
        cols.update(signature=json.dumps(signature(user)), signed_by=user.id)
    before = await conn.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", ship.stock.id)
    before = before if before is not None else OPENING
    values = {"yacht_id": ship.yacht.id, "stock_id": ship.stock.id, "part_id": ship.part.id, "transaction_type": ttype,
              "quantity_change": change, "quantity_before": before, "quantity_after": before + change,
              "user_id": user.id if user else None, **cols}
    names = ", ".join(values)
    marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    sql = f"INSERT INTO pms_inventory_transactions ({names}) VALUES ({marks})"
    if not returning:
        return await conn.execute(sql, *values.values())
    return await conn.fetchval(sql + " RETURNING id", *values.values())


def writes_bypassing_the_functions(lens_tx, as_user, ship: Ship) -> dict:
    """Writers that skip the atomic functions, by name -> zero-argument coroutine function: the
    owner, service_role (BYPASSRLS) and a HOD under RLS inserting a ledger row, and the owner
    updating the quantity. CONTRACT §4's "whoever asks" for guards that live in the database."""

    async def as_hod():
        async with as_user(ship.hod, commit=True) as conn:
            await insert_ledger(conn, ship, ship.hod, "adjusted")

    async def as_service():
        async with as_service_role(lens_tx) as conn:
            await insert_ledger(conn, ship, ship.hod, "adjusted")

    return {
        "owner insert": lambda: insert_ledger(lens_tx, ship, ship.hod, "adjusted"),
        "service_role insert": as_service,
        "HOD insert": as_hod,
        "owner quantity update": lambda: lens_tx.execute(
            "UPDATE pms_inventory_stock SET quantity = quantity + 1 WHERE id = $1", ship.stock.id),
    }


async def assert_rls_applies(conn: asyncpg.Connection) -> None:
    """The connection is `authenticated` and can neither bypass RLS nor is a superuser: a check
    made as the owner passes with every policy dropped, so isolation tests prove this first."""
    who = await current_identity(conn)
    assert (who["role"], who["superuser"], who["bypassrls"]) == ("authenticated", False, False), who
    assert who["uid"] is not None, "no JWT claims: auth.uid() is NULL"


async def quantity(conn, stock_id) -> int:
    return await conn.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", stock_id)


async def ledger_rows(conn, stock_id) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM pms_inventory_transactions WHERE stock_id = $1 ORDER BY created_at, id", stock_id)


def signature(user: User, reason: str = "acceptance test") -> dict:
    return {"user_id": str(user.id), "role_at_signing": user.role, "signature_type": "approval", "reason": reason,
            "signed_at": datetime.now(UTC).isoformat()}


#: Active stock rows of the yachts in $1 whose quantity is not the sum of their ledger changes.
UNACCOUNTED_SQL = (
    "SELECT s.id FROM pms_inventory_stock s LEFT JOIN pms_inventory_transactions t ON t.stock_id = s.id "
    "WHERE s.yacht_id = ANY($1::uuid[]) AND s.deleted_at IS NULL "
    "GROUP BY s.id, s.quantity HAVING s.quantity <> coalesce(sum(t.quantity_change), 0)")


async def unaccounted_stock(conn, yacht_ids) -> set:
    """Active stock rows of these yachts whose quantity is not the sum of their ledger changes,
    computed from the §3 base tables (the harness's own accounting: it does not trust the
    target's ``check_inventory_drift()``, which is itself under test)."""
    rows = await conn.fetch(UNACCOUNTED_SQL, list(yacht_ids))
    return {r["id"] for r in rows}
