"""CONTRACT §11.1, tenants cannot observe each other: a tenant's observations are identical in
two worlds that differ only in another yacht's data.

World B's other yacht holds rows with the values the tenant's calls use (the collision literal
in every unique text column, a phantom row per table whose id the calls pass), world A's does
not.  A lookup with no yacht filter answers differently, a unique index without ``yacht_id``
refuses in B only (23505), an error message names a foreign row where an unknown one reads
differently — whatever the defect, the tenant saw the other yacht.

Order is an observation where the system defines one: a function whose body says ORDER BY, and
every list an HTTP API answers (its order is the API's choice).  There the rows' sequence must be
the same in both worlds too (a list ranked by the fleet's usage reorders when the other yacht's
usage does); elsewhere (no ORDER BY: PostgreSQL may answer in any order) rows compare as a set.
"""
from __future__ import annotations

import asyncpg

from harness.oracles.observation import Observation, differences, tenant_view

ORDERS = r"\mORDER\s+BY\M"


async def ordering_functions(conn: asyncpg.Connection) -> set[str]:
    """The names of the public functions whose body orders rows (``ORDER BY`` anywhere in it)."""
    rows = await conn.fetch("SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                            "WHERE n.nspname = 'public' AND p.prosrc ~* $1", ORDERS)
    return {r["proname"] for r in rows}


def judge(world_a: list[Observation], world_b: list[Observation], labels: dict[str, str], yacht: str,
          ordered=lambda obs: False) -> list[str]:
    """``ordered(obs)``: whether the system defines the order of the call's rows."""
    return [f"non-interference: {line}" for line in
            differences(world_a, world_b, tenant_view(labels, yacht, ordered),
                        ("world A (other yacht without collisions)", "world B (other yacht with colliding rows)"))]
