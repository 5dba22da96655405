"""Concurrent consumers through the HTTP API, and the proof that the detector has teeth.

The stress test is CONTRACT section 8's "concurrent-consume stress": many crew members,
each with their own token, consume one stock row at once through whatever SUT the run
points at (the in-process reference, ``--lens-sut naive``, or ``--lens-api-url``). The
checker decides from the recorded history plus the final state; the test also demands
zero 5xx and exactly as many winners as the stock allowed.
(The proof that the checker catches the reference's deliberately racy NAIVE handler is a
reference-only check: suites/reference/http/test_reference_variants.py.)
"""

from __future__ import annotations

import pytest

from harness.load.stress import consume_race

from ._stress import completions, describe_ops, failure_message, unanswered

pytestmark = pytest.mark.concurrency

@pytest.mark.atomic
async def test_http_consumers_of_one_row_never_oversell(sut, lens_database, writes_allowed,
                                                        sizes, record_run):
    """The SUT under test lets exactly ``race_opening`` of N concurrent consumers win."""
    outcome = await consume_race(sut, lens_database.dsn, actors=sizes.http_actors,
                                 opening=sizes.race_opening, quantity=1)
    result, history = outcome.result, outcome.history
    winners = [op for op in completions(history) if op.type == "ok"]
    errors = unanswered(history)
    saved = record_run(history, result, level="http", actors=sizes.http_actors,
                       seconds=round(outcome.seconds, 3))
    assert result.valid is True, failure_message(result, saved)
    assert not errors, failure_message(result, saved, "5xx or unanswered:", describe_ops(errors))
    assert len(winners) == sizes.race_opening, failure_message(
        result, saved, f"{len(winners)} winners, the stock allowed {sizes.race_opening}")
