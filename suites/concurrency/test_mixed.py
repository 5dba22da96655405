"""Mixed concurrent workload across a few stock rows, and opposite transfers.

Consumes race receives, absolute adjustments, transfers in both directions and
reversals on the same rows. Transfers lock two rows in one transaction, so they are
where a careless handler deadlocks (40P01) or half-applies; reversals race each other
for the same ledger row, which the database must allow exactly once. Every op is
recorded per stock row (a transfer is two ops sharing one request) and the checker
verifies each row's chain, bounds, ledger and drift.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter

import pytest

from harness.checker import snapshot
from harness.history import History
from harness.sut.adapter import signature_for

from ._stress import (
    Leg,
    act,
    completions,
    describe_ops,
    failure_message,
    released_together,
    unanswered,
    verdict,
)

pytestmark = pytest.mark.concurrency

OPENING = 40
REVERSIBLE = {"consume_part": "consumed", "receive_part": "received",
              "adjust_stock_quantity": "adjusted"}


def _deadlocked(ops):
    """A transfer refused as a conflict: how a 40P01 surfaces through the reference."""
    return [op for op in ops if op.f == "transfer_part" and op.error == "conflict"]


@pytest.mark.atomic
async def test_mixed_workload_keeps_every_row_consistent(sut, committed_factory, sizes, record_run):
    f = committed_factory
    yacht = await f.yacht()
    crew = [await f.user(yacht, "deckhand") for _ in range(sizes.mixed_actors)]
    hods = [await f.user(yacht, "chief_engineer") for _ in range(max(2, sizes.mixed_actors // 2))]
    managers = [await f.user(yacht, "captain") for _ in range(2)]
    part = await f.part(yacht)
    locations = [await f.location(yacht) for _ in range(3)]
    stocks = {loc.id: await f.stock(part, loc, quantity=OPENING) for loc in locations}
    stock_ids = [s.id for s in stocks.values()]
    before = await snapshot(f.conn, stock_ids)

    seed = random.randrange(2**32)
    rng, history = random.Random(seed), History()
    reversible: list[tuple[str, object, int]] = []  # (transaction id, stock id, delta)
    reversal_races: list[list[tuple[int, str | None]]] = []  # answers per raced target
    pid = str(part.id)

    def crew_action(i, user, gate):
        loc = rng.choice(locations)
        sid, qty = stocks[loc.id].id, rng.randint(1, 5)
        if rng.random() < 0.5:
            body = {"part_id": pid, "location_id": str(loc.id), "quantity": qty}
            return act(sut, history, f"crew-{i}", user, "consume_part", body, [Leg(sid, -qty)], gate=gate)
        body = {"part_id": pid, "location_id": str(loc.id), "quantity": qty,
                "idempotency_key": f"mixed-{uuid.uuid4()}"}
        return act(sut, history, f"crew-{i}", user, "receive_part", body, [Leg(sid, qty)], gate=gate)

    def hod_action(i, user, gate):
        if rng.random() < 0.3:
            loc = rng.choice(locations)
            body = {"part_id": pid, "location_id": str(loc.id), "new_quantity": rng.randint(20, 60),
                    "reason": "stock take", "signature": signature_for(user, "stock take")}
            return act(sut, history, f"hod-{i}", user, "adjust_stock_quantity", body,
                       [Leg(stocks[loc.id].id, None, target=body["new_quantity"])], gate=gate)
        src, dst = rng.sample(locations, 2)
        qty = rng.randint(1, 5)
        body = {"part_id": pid, "from_location_id": str(src.id), "to_location_id": str(dst.id),
                "quantity": qty}
        legs = [Leg(stocks[src.id].id, -qty, "out"), Leg(stocks[dst.id].id, qty, "in")]
        return act(sut, history, f"hod-{i}", user, "transfer_part", body, legs, gate=gate)

    def reversal(i, user, target, gate):
        tx_id, sid, delta = target
        body = {"transaction_id": tx_id, "reason": "booked in error",
                "signature": signature_for(user, "booked in error")}
        return act(sut, history, f"manager-{i}", user, "reverse_transaction", body,
                   [Leg(sid, -delta)], gate=gate)

    for _ in range(sizes.mixed_rounds):
        n = len(crew) + len(hods) + (len(managers) if reversible else 0)
        gate = asyncio.Barrier(n)
        coros = [crew_action(i, u, gate) for i, u in enumerate(crew)]
        coros += [hod_action(i, u, gate) for i, u in enumerate(hods)]
        racing = bool(reversible)
        if racing:  # both managers reverse the SAME row at once: one may win, never two
            target = reversible.pop(rng.randrange(len(reversible)))
            coros += [reversal(i, u, target, gate) for i, u in enumerate(managers)]
        mark = len(history)
        answers = await released_together(coros, gate)
        if racing:
            reversal_races.append([(getattr(r, "status", None), getattr(r, "error", repr(r)))
                                   for r in answers[-len(managers):]])
        for op in history.ops[mark:]:
            if op.type == "ok" and op.f in REVERSIBLE and op.transaction_id:
                reversible.append((op.transaction_id, op.stock_id, op.delta))

    result = await verdict(f.conn, history, before, stock_ids, [])
    done = completions(history)
    double_wins = [race for race in reversal_races if sum(status == 200 for status, _ in race) > 1]
    per_target = await f.conn.fetch(
        "SELECT reverses_transaction_id, count(*) AS n FROM pms_inventory_transactions "
        "WHERE stock_id = ANY($1::uuid[]) AND reverses_transaction_id IS NOT NULL "
        "GROUP BY 1 HAVING count(*) > 1", stock_ids)
    errors, deadlocks = unanswered(history), _deadlocked(done)
    saved = record_run(history, result, level="http", seed=seed,
                       actions=dict(Counter(op.f for op in done)),
                       refusals=dict(Counter(f"{op.f}:{op.error}" for op in done if op.type == "fail")),
                       reversal_races=reversal_races)
    assert result.valid is True, failure_message(result, saved, f"seed {seed}")
    assert not errors, failure_message(result, saved, "5xx or unanswered:", describe_ops(errors))
    assert not deadlocks, failure_message(result, saved, "transfers refused as conflicts "
                                          "(deadlock?):", describe_ops(deadlocks))
    assert not double_wins and not per_target, (
        f"a transaction was reversed twice: answers {double_wins}, ledger {[dict(r) for r in per_target]}")


async def test_opposite_transfers_released_together_never_deadlock(sut, committed_factory, sizes,
                                                                   record_run):
    """A->B and B->A at the same instant, many times: every one must succeed.

    Each transfer locks both rows; taken in request order, two opposite transfers
    deadlock (40P01) and one is refused or answers 5xx. A correct handler orders its
    locks, so all succeed, each row ends where it started and the total is conserved.
    """
    f = committed_factory
    pairs = sizes.transfer_pairs
    yacht = await f.yacht()
    hods = [await f.user(yacht, "chief_officer") for _ in range(2 * pairs)]
    part = await f.part(yacht)
    a, b = await f.location(yacht), await f.location(yacht)
    stock_a, stock_b = await f.stock(part, a, quantity=pairs), await f.stock(part, b, quantity=pairs)
    ids = [stock_a.id, stock_b.id]
    before = await snapshot(f.conn, ids)

    history, gate = History(), asyncio.Barrier(2 * pairs)
    directions = [(a, stock_a, b, stock_b), (b, stock_b, a, stock_a)]
    coros = []
    for i, user in enumerate(hods):
        src, src_stock, dst, dst_stock = directions[i % 2]
        body = {"part_id": str(part.id), "from_location_id": str(src.id),
                "to_location_id": str(dst.id), "quantity": 1}
        coros.append(act(sut, history, f"hod-{i}", user, "transfer_part", body,
                         [Leg(src_stock.id, -1, "out"), Leg(dst_stock.id, 1, "in")], gate=gate))
    await released_together(coros, gate)

    result = await verdict(f.conn, history, before, ids)
    done = completions(history)
    refused = [op for op in done if op.type != "ok"]
    final = {sid: result.stocks[str(sid)]["final"] for sid in ids}
    saved = record_run(history, result, level="http", pairs=pairs)
    assert result.valid is True, failure_message(result, saved)
    assert not refused, failure_message(result, saved, "refused or unknown transfers:",
                                        describe_ops(refused))
    assert sum(final.values()) == 2 * pairs, f"total not conserved: {final}"
    assert set(final.values()) == {pairs}, f"equal flows both ways must cancel out: {final}"


@pytest.mark.atomic
async def test_adjusts_racing_consumes_land_on_their_target(sut, committed_factory, sizes, record_run):
    """Absolute adjustments released together with consumes and with each other on one row.

    An adjust to N reads the row, then books N - read; if a consume (or another adjust)
    commits in between, a handler that does not re-check lands off N.  Every acknowledged
    adjust must leave the row at exactly its target (the checker's ``missed-target``), and
    the row's chain, bounds and ledger must hold as for any other op.
    """
    f = committed_factory
    yacht = await f.yacht()
    crew = [await f.user(yacht, "deckhand") for _ in range(sizes.mixed_actors)]
    hods = [await f.user(yacht, "chief_engineer") for _ in range(2)]
    part = await f.part(yacht)
    loc = await f.location(yacht)
    stock = await f.stock(part, loc, quantity=10 * OPENING)
    before = await snapshot(f.conn, [stock.id])
    seed = random.randrange(2**32)
    rng, history = random.Random(seed), History()
    ids = {"part_id": str(part.id), "location_id": str(loc.id)}

    def consume(i, user, gate):
        return act(sut, history, f"crew-{i}", user, "consume_part", {**ids, "quantity": 1},
                   [Leg(stock.id, -1)], gate=gate)

    def adjust(i, user, gate):
        target = rng.randint(5 * OPENING, 15 * OPENING)
        body = {**ids, "new_quantity": target, "reason": "stock take", "signature": signature_for(user, "stock take")}
        return act(sut, history, f"hod-{i}", user, "adjust_stock_quantity", body,
                   [Leg(stock.id, None, target=target)], gate=gate)

    for _ in range(sizes.mixed_rounds):
        gate = asyncio.Barrier(len(crew) + len(hods))
        await released_together([consume(i, u, gate) for i, u in enumerate(crew)]
                                + [adjust(i, u, gate) for i, u in enumerate(hods)], gate)

    result = await verdict(f.conn, history, before, [stock.id])
    done = completions(history)
    saved = record_run(history, result, level="http", seed=seed,
                       adjusts=dict(Counter(f"{op.type}:{op.error}" for op in done if op.f == "adjust_stock_quantity")))
    assert result.valid is True, failure_message(result, saved, f"seed {seed}")
    assert not unanswered(history), failure_message(result, saved, "5xx or unanswered:",
                                                    describe_ops(unanswered(history)))
    assert any(op.type == "ok" and op.f == "adjust_stock_quantity" for op in done), \
        failure_message(result, saved, "no adjustment went through: the race was not run")
