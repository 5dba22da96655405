"""Demo data set: two yachts, one user per role on each, parts, locations and stock.

Ids are derived (uuid5) from readable names, so `lens-harness token --user deckhand@a` and
the README's curl examples work against any seeded database without looking anything up.
Seeding twice is a no-op.
"""

from __future__ import annotations

import json
import uuid

import asyncpg

from harness.roles import ALL_ROLES

NAMESPACE = uuid.UUID("6f1c2d1e-3b8a-4e59-9a57-6c0d5e1a2b3c")
YACHTS = {"a": "M/Y Aurora (demo)", "b": "M/Y Borealis (demo)"}
PARTS = {"impeller": ("Raw water pump impeller", "IMP-2231"), "filter": ("Fuel filter element", "FF-1180"),
         "gasket": ("Head gasket set", "HG-9000")}
LOCATIONS = ("engine-room-locker", "bosun-store")
OPENING = {"impeller": 12, "filter": 30, "gasket": 4}


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def user_id(handle: str) -> uuid.UUID:
    """`deckhand@a` -> the seeded deckhand of yacht a."""
    role, _, yacht = handle.partition("@")
    return demo_id("user", yacht or "a", role)


async def seed(conn: asyncpg.Connection) -> dict:
    """Insert the demo set (idempotent); returns a description of what exists."""
    summary = {"yachts": {}, "users": {}, "parts": {}, "locations": {}, "stock": {}}
    async with conn.transaction():
        for key, name in YACHTS.items():
            yid = demo_id("yacht", key)
            await conn.execute("INSERT INTO yacht_registry (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", yid, name)
            summary["yachts"][key] = str(yid)
            for role in (*ALL_ROLES, "guest"):
                uid = demo_id("user", key, role)
                await conn.execute("INSERT INTO auth_users_profiles (id, yacht_id, is_active) VALUES ($1, $2, true) ON CONFLICT (id) DO NOTHING", uid, yid)
                await conn.execute(
                    "INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) SELECT $1, $2, $3, true "
                    "WHERE NOT EXISTS (SELECT 1 FROM auth_users_roles WHERE user_id = $1 AND yacht_id = $2 AND role = $3)", uid, yid, role)
                summary["users"][f"{role}@{key}"] = str(uid)
            for loc in LOCATIONS:
                lid = demo_id("location", key, loc)
                await conn.execute("INSERT INTO pms_part_locations (id, yacht_id, name, path) VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING", lid, yid, loc)
                summary["locations"][f"{loc}@{key}"] = str(lid)
            for pkey, (pname, pn) in PARTS.items():
                pid = demo_id("part", key, pkey)
                await conn.execute("INSERT INTO pms_parts (id, yacht_id, name, part_number, unit) VALUES ($1, $2, $3, $4, 'ea') ON CONFLICT (id) DO NOTHING", pid, yid, pname, pn)
                summary["parts"][f"{pkey}@{key}"] = str(pid)
                sid = demo_id("stock", key, pkey, LOCATIONS[0])
                created = await conn.fetchval(
                    "INSERT INTO pms_inventory_stock (id, yacht_id, part_id, location, location_id, quantity) "
                    "VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (id) DO NOTHING RETURNING id",
                    sid, yid, pid, LOCATIONS[0], demo_id("location", key, LOCATIONS[0]))
                if created:
                    await conn.execute("SELECT * FROM add_stock_inventory($1, $2, $3, 'received', $4::jsonb)",
                                       sid, OPENING[pkey], yid, json.dumps({"reference_type": "opening_balance"}))
                summary["stock"][f"{pkey}@{key}"] = str(sid)
    return summary
