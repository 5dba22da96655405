"""A15–A17: direct ledger inserts are gated by transaction type (CONTRACT §5). Each tier is tried
with every type; allowed inserts succeed, denied ones fail with SQLSTATE 42501 exactly.

The expected sets are written out from CONTRACT §5 here (not derived from harness/roles.py), so
a wrong role model cannot make a wrong policy look right. Policies are permissive: a role gets
the union of its tiers' types, so a chief engineer (crew + HOD) may also insert `consumed`, and
a captain (crew + HOD + manager) every type."""

import asyncpg
import pytest

from ..lens_sql import LEDGER_TYPES, assert_rls_applies, insert_ledger

CREW_TYPES = {"consumed"}                                                       # crew_insert_consume
HOD_TYPES = {"received", "transferred_out", "transferred_in", "adjusted"}       # hod_insert_receive_transfer_adjust
MANAGER_TYPES = {"write_off", "reversed"}                                       # manager_insert_writeoff_reversed
EXPECTED = {  # test ID -> (ship attribute, role, types its policies admit)
    "A15": ("crew", "deckhand", CREW_TYPES),
    "A16": ("hod", "chief_engineer", CREW_TYPES | HOD_TYPES),
    "A17": ("manager", "captain", CREW_TYPES | HOD_TYPES | MANAGER_TYPES),
}


async def _try_insert(lens_tx, as_user, ship, user, ttype) -> str:
    """'ok' or the SQLSTATE; each attempt in its own savepoint so one refusal does not poison the
    next. The row is otherwise valid (arithmetic, sign, transfer locations, reversal target), so
    only the type-gating policy can refuse it."""
    extra = {}
    if ttype == "reversed":  # a reversal must name a reversible row: the opening balance
        extra["reverses_transaction_id"] = await lens_tx.fetchval(
            "SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 AND transaction_type = 'received' LIMIT 1", ship.stock.id)
    if ttype in ("transferred_out", "transferred_in"):
        extra.update(from_location_id=ship.here.id, to_location_id=ship.there.id)
    try:
        async with as_user(user) as conn:
            await assert_rls_applies(conn)
            await insert_ledger(conn, ship, user, ttype, **extra)
        return "ok"
    except asyncpg.PostgresError as exc:
        return exc.sqlstate


@pytest.mark.parametrize("test_id", [pytest.param(i, marks=pytest.mark.acceptance(i)) for i in EXPECTED])
async def test_each_tier_may_insert_exactly_its_types(test_id, lens_tx, as_user, ship):
    """Every type for the tier's user: a widened policy shows as an unexpected "ok", a narrowed
    one as an unexpected 42501."""
    attribute, role, allowed = EXPECTED[test_id]
    user = getattr(ship, attribute)
    assert user.role == role
    outcome = {t: await _try_insert(lens_tx, as_user, ship, user, t) for t in LEDGER_TYPES}
    assert outcome == {t: ("ok" if t in allowed else "42501") for t in LEDGER_TYPES}
