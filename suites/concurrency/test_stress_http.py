"""Concurrent consumers through the HTTP API, and the proof that the detector has teeth.

The stress test is CONTRACT section 8's "concurrent-consume stress": many crew members,
each with their own token, consume one stock row at once through whatever SUT the run
points at (the in-process reference, ``--lens-sut naive``, or ``--lens-api-url``). The
checker decides from the recorded history plus the final state; the test also demands
zero 5xx and exactly as many winners as the stock allowed.

A detector that never fires proves nothing, so every run also serves the deliberately
racy NAIVE handler in-process and demands that the same stress run is caught.
"""

from __future__ import annotations

import pytest

from harness.load.stress import consume_race

from ._stress import completions, describe_ops, failure_message, served, unanswered

pytestmark = pytest.mark.concurrency

#: Anomaly kinds that mean "the read-check-write race happened" (checker vocabulary).
RACE_KINDS = {"lost-update", "oversold", "negative", "wrong-final"}


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


async def test_checker_catches_the_naive_handler(lens_settings, lens_database, writes_allowed,
                                                 sizes, record_run):
    """Teeth: the same stress against the NAIVE variant must be reported as a race.

    The naive handler reads the quantity without a lock and writes an absolute value
    computed in Python (the field defect). Its evidence goes to ``concurrency/teeth/``:
    an invalid result there is the expected outcome, not a gate failure.
    """
    async with served(lens_database.dsn, lens_settings, "naive") as naive:
        outcome = await consume_race(naive, lens_database.dsn, actors=sizes.http_actors,
                                     opening=sizes.race_opening, quantity=1)
    result = outcome.result
    found = set(result.anomalies)
    saved = record_run(outcome.history, result, level="http", subdir="teeth", variant="naive",
                       expected_valid=False, detected=bool(found & RACE_KINDS),
                       seconds=round(outcome.seconds, 3))
    assert result.valid is False and found & RACE_KINDS, (
        f"the checker did NOT catch the naive read-check-write race (anomalies: {sorted(found)})"
        f"\n{failure_message(result, saved)}")
