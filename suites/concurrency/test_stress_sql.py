"""Concurrent consumers at the SQL level: the atomic function is the last line of defence.

Whatever the handler does, ``deduct_stock_inventory`` must serialise consumers of one
stock row (``SELECT ... FOR UPDATE`` before the read). Each actor has its own connection
and its own transaction as a real crew member (``authenticated`` + JWT claims, so RLS and
the function's role gate apply), and all are released together once every transaction
is open -- the shape of the field defect, without any HTTP layer in between.
"""

from __future__ import annotations

import pytest

from harness.checker import snapshot
from harness.history import History

from ._stress import (
    completions,
    describe_ops,
    failure_message,
    sql_consume_race,
    unanswered,
    verdict,
)

pytestmark = pytest.mark.concurrency


@pytest.mark.parametrize("path", ["function", "direct insert"])
async def test_sql_consumers_of_one_row_never_oversell(committed_factory, lens_connect, lens_binding, sizes,
                                                       record_run, path):
    """N crew members deduct 1 from a row holding ``race_opening``: exactly that many win — through
    the stock function and by direct ``consumed`` inserts alike (CONTRACT §4: a direct ledger row
    moves the stock; a guard that reads the row without its lock loses updates — red team round
    5, 14)."""
    f = committed_factory
    yacht = await f.yacht()
    users = [await f.user(yacht, "deckhand") for _ in range(sizes.sql_actors)]
    part, location = await f.part(yacht), await f.location(yacht)
    stock = await f.stock(part, location, quantity=sizes.race_opening)
    connections = [await lens_connect() for _ in users]
    before = await snapshot(f.conn, [stock.id])

    history = History()
    await sql_consume_race(lens_binding, connections, users, stock, history, quantity=1,
                           direct=path == "direct insert")
    result = await verdict(f.conn, history, before, [stock.id])

    done = completions(history)
    winners = [op for op in done if op.type == "ok"]
    saved = record_run(history, result, level="sql", actors=len(users))
    assert result.valid is True, failure_message(result, saved)
    errors = unanswered(history)
    assert not errors, failure_message(result, saved, "calls that raised:", describe_ops(errors))
    if path == "direct insert" and not winners:   # an implementation may refuse the direct row outright
        assert result.stocks[str(stock.id)]["final"] == sizes.race_opening, failure_message(
            result, saved, "every direct insert was refused, yet the stock moved")
        return
    assert len(winners) == sizes.race_opening, failure_message(
        result, saved, f"{len(winners)} winners, the stock allowed {sizes.race_opening}")
    refused = {op.error for op in done if op.type == "fail"}
    assert refused <= {"insufficient_stock", *(("23514",) if path == "direct insert" else ())}, failure_message(
        result, saved, f"refusals: {refused}")
    assert result.stocks[str(stock.id)]["final"] == 0
