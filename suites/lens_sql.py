"""SQL-level helpers shared by the acceptance suites: call the atomic functions, insert ledger
rows directly, read what really committed. Kept tiny so each test reads as its contract line."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import asyncpg

from harness.db import current_identity
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


_UNSET = object()


async def stock_fn(conn: asyncpg.Connection, fn: str, stock_id, quantity: int, *, yacht_id=_UNSET,
                   ttype: str | None = None, **details) -> asyncpg.Record:
    """`SELECT * FROM <fn>(...)` with named arguments; omitted yacht = the function's default."""
    args, params = ["p_stock_id => $1", "p_quantity => $2"], [stock_id, quantity]
    if yacht_id is not _UNSET:
        params.append(yacht_id)
        args.append(f"p_yacht_id => ${len(params)}")
    if ttype:
        params.append(ttype)
        args.append(f"p_transaction_type => ${len(params)}")
    if details:
        params.append(json.dumps({k: str(v) if isinstance(v, uuid.UUID) else v for k, v in details.items()}))
        args.append(f"p_details => ${len(params)}::jsonb")
    return await conn.fetchrow(f"SELECT * FROM public.{fn}({', '.join(args)})", *params)


async def deduct(conn, stock_id, quantity, **kw):
    return await stock_fn(conn, "deduct_stock_inventory", stock_id, quantity, **kw)


async def add(conn, stock_id, quantity, **kw):
    return await stock_fn(conn, "add_stock_inventory", stock_id, quantity, **kw)


SIGNED_CHANGE = {"received": 1, "transferred_in": 1, "consumed": -1, "transferred_out": -1, "write_off": -1,
                 "adjusted": 1, "reversed": -1}


async def insert_ledger(conn, ship: Ship, user: User | None, ttype: str, change: int | None = None, *,
                        returning: bool = True, **cols) -> uuid.UUID | str:
    """A direct INSERT into the ledger (what PostgREST lets a client try), consistent with the
    stock row's current quantity so only the policy under test can refuse it.  Without
    ``returning`` (PostgREST's ``return=minimal``) no SELECT policy applies to the new row, so
    a permissive INSERT policy on another yacht is not masked; the command tag is returned."""
    change = change if change is not None else SIGNED_CHANGE[ttype]
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


async def drift(conn) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM check_inventory_drift()")


def signature(user: User, reason: str = "acceptance test") -> dict:
    return {"user_id": str(user.id), "role_at_signing": user.role, "signature_type": "approval", "reason": reason,
            "signed_at": "2026-11-24T12:00:00Z"}
