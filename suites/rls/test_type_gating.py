"""A15–A17: direct ledger inserts are gated by transaction type (CONTRACT §5). Each tier is tried
with every type; allowed inserts succeed, denied ones fail with SQLSTATE 42501 exactly.

Policies are permissive, so a role gets the union of its tiers' types (a captain is crew, HOD
and manager); the expected set comes from harness/roles.py, the handler's own role model."""

import asyncpg
import pytest

from harness.roles import direct_insert_types

from ..lens_sql import LEDGER_TYPES, insert_ledger

TIER_OF_TEST = {"A15": "crew", "A16": "hod", "A17": "manager"}


async def _try_insert(lens_tx, as_user, ship, user, ttype) -> str:
    """'ok' or the SQLSTATE; each attempt in its own savepoint so one refusal does not poison the next."""
    extra = {}
    if ttype == "reversed":  # a reversal must name a reversible row: a received one, as the owner wrote it
        extra["reverses_transaction_id"] = await lens_tx.fetchval(
            "SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 AND transaction_type = 'received' LIMIT 1", ship.stock.id)
    if ttype in ("transferred_out", "transferred_in"):
        extra.update(from_location_id=ship.here.id, to_location_id=ship.there.id)
    try:
        async with as_user(user) as conn:
            await insert_ledger(conn, ship, user, ttype, **extra)
        return "ok"
    except asyncpg.PostgresError as exc:
        return exc.sqlstate


@pytest.mark.parametrize("test_id", [pytest.param(i, marks=pytest.mark.acceptance(i)) for i in TIER_OF_TEST])
async def test_each_tier_may_insert_exactly_its_types(test_id, lens_tx, as_user, ship):
    user = getattr(ship, TIER_OF_TEST[test_id])
    allowed = direct_insert_types(user.role)
    outcome = {t: await _try_insert(lens_tx, as_user, ship, user, t) for t in LEDGER_TYPES}
    expected = {t: ("ok" if t in allowed else "42501") for t in LEDGER_TYPES}
    assert outcome == expected
