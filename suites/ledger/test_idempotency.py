"""A08–A09: idempotency keys are unique per yacht — a retried request cannot book twice, and
two yachts never collide. Checked through the atomic functions (via the binding) and at the
table, whatever guard the implementation uses (CONTRACT §4, §10)."""

import pytest

from harness.binding import attempt

from ..lens_sql import insert_ledger, ledger_rows, quantity


async def _keyed(lens_tx, ship, key) -> list:
    return [r["id"] for r in await ledger_rows(lens_tx, ship.stock.id) if r["idempotency_key"] == key]


@pytest.mark.acceptance("A08")
async def test_duplicate_key_is_rejected(lens_tx, as_user, lens_binding, ship):
    """A retried receive must not book twice: the second one is refused and books nothing, and
    the table refuses the key even for a writer that skips the functions (the owner)."""
    async with as_user(ship.crew, commit=True) as conn:
        first = await lens_binding.add(conn, ship.stock.id, 3, idempotency_key="po-1001")
        again = await lens_binding.add(conn, ship.stock.id, 3, idempotency_key="po-1001")
    assert first.success is True
    assert (again.success, again.refused, again.ledger_ids) == (False, True, ())
    assert await quantity(lens_tx, ship.stock.id) == first.quantity_after == ship.stock.quantity + 3
    assert await _keyed(lens_tx, ship, "po-1001") == [first.ledger_id]
    direct = await attempt(lens_binding, lens_tx, lambda: insert_ledger(lens_tx, ship, ship.hod, "received",
                                                                         idempotency_key="po-1001"))
    assert direct == "refused"
    assert await _keyed(lens_tx, ship, "po-1001") == [first.ledger_id]


@pytest.mark.acceptance("A09")
async def test_same_key_on_two_yachts_is_accepted(lens_tx, as_user, lens_binding, ship, other_ship):
    """Keys are per yacht: a global index would let one tenant block (and probe) another."""
    async with as_user(ship.crew, commit=True) as conn:
        mine = await lens_binding.add(conn, ship.stock.id, 2, idempotency_key="shared-key-7")
    async with as_user(other_ship.crew, commit=True) as conn:
        theirs = await lens_binding.add(conn, other_ship.stock.id, 2, idempotency_key="shared-key-7")
    assert [(r.success, r.error_code) for r in (mine, theirs)] == [(True, None), (True, None)]
    assert mine.ledger_id != theirs.ledger_id
    both = [await attempt(lens_binding, lens_tx, lambda s=s: insert_ledger(lens_tx, s, s.hod, "received",
                                                                        idempotency_key="direct-shared"))
            for s in (ship, other_ship)]  # and directly at the table
    assert both == ["ok", "ok"]
