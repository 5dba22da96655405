"""Headless locust as a library: seed, load, check, purge, summarise.

``run_load`` is what ``lens-harness load`` and the benchmarks call. Locust core bounds a
run only by time, so the iteration bound is the plan's ``Gate``. After the run the
checker verifies the run's own stock rows (final quantity, chain, ledger, drift) from
the recorded history; the verdict is written next to the CSV stats with the history,
and the rows are purged whatever happened.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import gevent
from locust.env import Environment
from locust.stats import PERCENTILES_TO_REPORT, StatsCSVFileWriter

from harness.binding.api import load_profile
from harness.checker import FinalState, check, snapshot
from harness.config import Settings
from harness.errors import HarnessError
from harness.load.api_user import CrewApiUser
from harness.load.distributed import Distribution, run_master
from harness.load.interrupt import stop_on_signals
from harness.load.pg_user import CrewPgUser
from harness.load.rate import DEFAULT_MAX_USERS, Arrivals, control, initial_users, paced
from harness.load.plan import DEFAULT_OPENING, Gate, LoadPlan, Seeded, bind, purge, seed, \
    takes_details

TARGETS = ("api", "dsn")
PREFIX = "load"
GRACE_SECONDS = 30  # after the time bound, how long in-flight operations may take
INTERRUPT_GRACE_SECONDS = 10  # after SIGINT/SIGTERM


def run_load(target: str, dsn: str, api_url: str | None, users: int, spawn_rate: float,
             run_time: float | None, iterations: int | None, out_dir: str | Path, *,
             mint: Callable | None = None, jwt_secret: str | None = None, stocks: int = 1,
             opening: int = DEFAULT_OPENING, spread: Distribution | None = None,
             api_profile: str = "reference", binding: str | None = None, rate: float | None = None,
             max_users: int = DEFAULT_MAX_USERS) -> dict[str, Any]:
    """Run one headless load and return its summary (also written as ``load_summary.json``).

    ``dsn`` is the owner DSN of the database under load (the API's own database for
    ``target='api'``): rows are seeded and purged through it, and DSN users connect with
    it before switching to ``authenticated``. ``mint`` makes a bearer token for a seeded
    user (default: HS256 with ``jwt_secret`` or the configured secret). With ``spread`` this
    process is a locust master and the users run in worker processes (harness.load.distributed).
    ``api_profile`` says how to speak to the API (a profile name or YAML file); ``binding`` how to
    book the opening balances (default: the run's). With ``rate`` the run is an open model
    (harness.load.rate): ``rate`` requests/s for ``run_time``, users added as needed up to
    ``max_users``; ``users`` is ignored.
    """
    _validate(target, api_url, users, spawn_rate, run_time, iterations)
    if rate is not None and (rate <= 0 or not run_time or iterations or spread):
        raise HarnessError("--rate needs a positive rate and --run-time, in one process (no --iterations, "
                           "no --processes)")
    if target == "api" and load_profile(api_profile).auth != "hs256":
        raise HarnessError(f"load mints HS256 tokens for the users it seeds; API profile {api_profile!r} "
                           "authenticates another way (use a profile with auth.kind hs256 and LENS_JWT_SECRET)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seeded = asyncio.run(seed(dsn, actors=16 if rate else min(users, 16), stocks=stocks, opening=opening, binding=binding))
    try:
        plan = LoadPlan(seeded, gate=Gate(iterations or None), dsn=dsn,
                        mint=mint or minter(jwt_secret),
                        with_details=target == "api" or asyncio.run(takes_details(dsn)), api_profile=api_profile)
        before = asyncio.run(snapshot_of(dsn, seeded))
        user_class = (bind(CrewApiUser, plan, host=api_url) if target == "api"
                      else bind(CrewPgUser, plan))
        arrivals = Arrivals(rate) if rate else None
        if arrivals:
            user_class, users = paced(user_class, arrivals), initial_users(rate)
        started = time.monotonic()
        env = _run(user_class, plan, users, spawn_rate, run_time, out / PREFIX, iterations, spread,
                   _worker_settings(dsn, jwt_secret) if spread else None, (arrivals, max_users))
        seconds = time.monotonic() - started
        after = asyncio.run(snapshot_of(dsn, seeded))
    finally:
        asyncio.run(purge(dsn, seeded))
    result = check(plan.history, FinalState.between(before, after))
    plan.history.save(out / f"{PREFIX}_history.jsonl")
    (out / f"{PREFIX}_checker.json").write_text(result.to_json())
    summary = _summary(env, plan, result, seconds, out,
                       target=target, users=users, spawn_rate=spawn_rate, run_time=run_time,
                       iterations=iterations, processes=spread.workers if spread else 1)
    if arrivals:
        summary["rate"] = {"target": rate, "held": round(summary["requests"] / run_time, 2),
                           "users_needed": env.peak_users}
    (out / f"{PREFIX}_summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


def _validate(target, api_url, users, spawn_rate, run_time, iterations) -> None:
    if target not in TARGETS:
        raise HarnessError(f"unknown load target {target!r}: choose api or dsn")
    if target == "api" and not api_url:
        raise HarnessError("load against the API needs its URL (--api-url)")
    if not run_time and not iterations:
        raise HarnessError("bound the load run: give a run time or a number of iterations")
    if users < 1 or spawn_rate <= 0:
        raise HarnessError("load needs at least one user and a positive spawn rate")


def _worker_settings(dsn: str, jwt_secret: str | None) -> Settings:
    """What local workers need: the database (the master already refused a verify-only DSN) and the
    JWT secret; they get it in a 0600 file."""
    return Settings(target="dsn", dsn=dsn, database=dsn, allow_writes=True,
                    jwt_secret=jwt_secret or Settings.from_env().jwt_secret)


def minter(jwt_secret: str | None) -> Callable:
    """Bearer tokens for seeded users, signed with ``jwt_secret`` (default: the configured one)."""
    from harness.sut.auth import mint

    return functools.partial(mint, secret=jwt_secret or Settings.from_env().jwt_secret)


async def snapshot_of(dsn: str, seeded: Seeded):
    from harness.db import connect

    conn = await connect(dsn)
    try:
        return await snapshot(conn, seeded.stock_ids)
    finally:
        await conn.close()


def _run(user_class: type, plan: LoadPlan, users: int, spawn_rate: float, run_time: float | None, base: Path,
         iterations: int | None, spread: Distribution | None, settings: Settings | None,
         pacing: tuple = (None, 0)) -> Environment:
    """Start, stop at the time or iteration bound (or SIGINT/SIGTERM), and write the CSVs
    locust writes. Every user connection is closed before returning, so no half-done
    transaction keeps a lock the purge would wait on; an interrupted run then raises
    KeyboardInterrupt."""
    env = Environment(user_classes=[user_class])
    writer = StatsCSVFileWriter(env, PERCENTILES_TO_REPORT, str(base), full_history=True)
    stats_greenlet = gevent.spawn(writer.stats_writer)
    try:
        if spread is not None:
            received = run_master(env, plan, users, spawn_rate, run_time, iterations, spread, settings,
                                  GRACE_SECONDS, INTERRUPT_GRACE_SECONDS)
        else:
            received = _run_local(env, plan, users, spawn_rate, run_time, *pacing)
    finally:
        stats_greenlet.kill(block=True)
        writer.close_files()
        for conn in plan.connections:
            conn.close()
    if received:
        raise KeyboardInterrupt
    for suffix, write in (("stats", writer.requests_csv), ("failures", writer.failures_csv),
                          ("exceptions", writer.exceptions_csv)):
        with open(f"{base}_{suffix}.csv", "w", newline="") as fh:  # final, complete numbers
            write(csv.writer(fh))
    return env


def _run_local(env: Environment, plan: LoadPlan, users: int, spawn_rate: float,
               run_time: float | None, arrivals: Arrivals | None = None, max_users: int = 0) -> list[int]:
    """The users in this process; returns the signals received (empty: not interrupted). With
    ``arrivals`` the users follow its schedule and a controller adds users while it lags."""
    runner = env.create_local_runner()
    env.peak_users = users

    def interrupt() -> None:
        plan.gate.close()  # in-flight operations finish; the gate then quits the runner
        gevent.spawn_later(INTERRUPT_GRACE_SECONDS, runner.quit)

    try:
        with stop_on_signals(interrupt) as received:
            if arrivals:
                arrivals.begin()
                controller = gevent.spawn(control, runner, env.user_classes[0], arrivals, max_users, env, plan.gate)
            runner.start(users, spawn_rate=spawn_rate if not arrivals else users)
            if run_time:
                gevent.spawn_later(run_time, plan.gate.close)
                gevent.spawn_later(run_time + GRACE_SECONDS, runner.quit)  # a hung call ends as info
            gevent.spawn(lambda: (plan.gate.done.wait(), runner.quit()))
            runner.greenlet.join()
    finally:
        if arrivals:
            controller.kill()
        runner.quit()
    return received


def _summary(env: Environment, plan: LoadPlan, result, seconds: float, out: Path,
             **run: Any) -> dict[str, Any]:
    total = env.stats.total
    outcomes = [op for op in plan.history if op.type != "invoke"]
    return {
        **run, "seconds": round(seconds, 3),
        "requests": total.num_requests, "failures": total.num_failures,
        "rps": round(total.total_rps, 2),
        **_latency(total),
        "per_request": {name: {"requests": e.num_requests, "failures": e.num_failures,
                               **_latency(e)}
                        for (name, _method), e in env.stats.entries.items()},
        "errors": [{"name": e.name, "error": str(e.error), "count": e.occurrences}
                   for e in env.stats.errors.values()],
        "outcomes": dict(Counter(op.type for op in outcomes)),
        "error_codes": dict(Counter(op.error for op in outcomes if op.error)),
        "checker": {"valid": result.valid, "anomalies": result.summary(),
                    "explain": result.explain()},
        "ok": result.valid is True and total.num_failures == 0,
        "files": {"stats": str(out / f"{PREFIX}_stats.csv"),
                  "history": str(out / f"{PREFIX}_history.jsonl"),
                  "checker": str(out / f"{PREFIX}_checker.json")},
    }


def _latency(entry) -> dict[str, Any]:
    if not entry.num_requests:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "avg_ms": None, "max_ms": None}
    return {"p50_ms": entry.get_response_time_percentile(0.50),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "avg_ms": round(entry.avg_response_time, 2), "max_ms": entry.max_response_time}
