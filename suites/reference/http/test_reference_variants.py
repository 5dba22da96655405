"""The reference handler's deliberately broken NAIVE variant (read-check-write without a lock)
really races, and the history checker catches it: harness self-checks built on the reference's
own handler variants (moved from suites/api/test_api_faults.py and
suites/concurrency/test_stress_http.py, where they served the reference handler whatever the
target was)."""

from __future__ import annotations

import functools

from harness.load.stress import consume_race
from harness.sut.adapter import SutClient
from harness.sut.auth import mint

from ...api.test_api_faults import _race_last_units
from ...concurrency._stress import failure_message, served

#: Anomaly kinds that mean "the read-check-write race happened" (checker vocabulary).
RACE_KINDS = {"lost-update", "oversold", "negative", "wrong-final"}


async def test_naive_variant_really_races(lens_settings, lens_database, ship, ledger, committed_factory):
    from harness.sut.api import create_app
    from harness.sut.server import serve_in_thread

    app = create_app(lens_database.dsn, jwt_secret=lens_settings.jwt_secret, variant="naive",
                     race_delay=0.2)
    base_url, stop = serve_in_thread(app)
    client = SutClient(base_url, functools.partial(mint, secret=lens_settings.jwt_secret))
    try:
        results = await _race_last_units(client, ship, committed_factory)
    finally:
        await client.aclose()
        stop()
    assert [r.status for r in results] == [200, 200], [r.json for r in results]
    assert await ledger.quantity(ship.stock.id) == 0
    assert await ledger.drift(ship.yacht.id) != []   # 10 units booked out of 5: caught


async def test_checker_catches_the_naive_handler(lens_settings, lens_database, lens_binding, writes_allowed,
                                                 sizes, record_run):
    """Teeth: the same stress against the NAIVE variant must be reported as a race.

    The naive handler reads the quantity without a lock and writes an absolute value
    computed in Python (the field defect). Its evidence goes to ``concurrency/teeth/``:
    an invalid result there is the expected outcome, not a gate failure.
    """
    async with served(lens_database.dsn, lens_settings, lens_binding, "naive") as naive:
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
