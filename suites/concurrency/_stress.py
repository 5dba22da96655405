"""The one helper module of the concurrency suite: sizes, recording, serving, saving.

Every test here follows Jepsen's split: actors issue operations and *record* them in a
``harness.history.History`` (invoke, then ok / fail / info), the database state is
snapshotted as the owner, and the pure ``harness.checker.check`` decides. Keeping the
recording and the saving here means each test only says *what* it runs; a verdict is
always a checker ``Result`` plus two files under ``<artifacts>/concurrency/`` that the
sign-off report picks up (``<name>.json`` and ``<name>.history.jsonl``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from harness.errors import HarnessError
from harness.report.allure import attach_file
from harness.checker import FinalState, Result, Snapshot, check, snapshot
from harness.db import as_user
from harness.history import FAIL, INFO, INVOKE, OK, History, Op, Recording

# --- sizes per profile ------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How big each run is; ``smoke`` keeps CI fast, ``full`` is for sign-off."""

    sql_actors: int  # consumers on their own connections, one stock row
    http_actors: int  # consumers through the API, one stock row
    race_opening: int  # opening balance of the raced row (winners = opening, qty 1)
    mixed_actors: int  # crew members per round of the mixed workload (HODs: half)
    mixed_rounds: int  # rounds released together
    transfer_pairs: int  # A->B and B->A transfers released together
    model_examples: int  # Hypothesis examples of the state machine
    model_steps: int  # steps per example
    nemesis_clients: int  # idempotent clients running through the faults
    nemesis_min_ops: int  # ops per client at least (they also run until the faults end)
    nemesis_max_ops: int  # ops per client at most: clients x max <= 900 keeps the part's
    # ledger inside one /transactions page (limit 1000), where replays are looked up
    nemesis_kills: int  # pg_terminate_backend rounds
    nemesis_restarts: int  # immediate-mode restarts


PROFILES = {
    "smoke": Sizes(sql_actors=20, http_actors=20, race_opening=5, mixed_actors=6,
                   mixed_rounds=5, transfer_pairs=10, model_examples=15, model_steps=15,
                   nemesis_clients=6, nemesis_min_ops=15, nemesis_max_ops=150,
                   nemesis_kills=2, nemesis_restarts=1),
    "full": Sizes(sql_actors=100, http_actors=100, race_opening=25, mixed_actors=16,
                  mixed_rounds=15, transfer_pairs=50, model_examples=75, model_steps=30,
                  nemesis_clients=12, nemesis_min_ops=40, nemesis_max_ops=75,
                  nemesis_kills=4, nemesis_restarts=2),
}


def sizes_for(profile: str) -> Sizes:
    return PROFILES[profile]


# --- saving -------------------------------------------------------------------------------


def artifact_name(node_name: str) -> str:
    """A file-safe name for a test (parametrize brackets and all)."""
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_")


def save_run(artifacts: Path, name: str, history: History, result: Result, *, level: str,
             subdir: str | None = None, **extra: Any) -> Path:
    """Write ``<name>.history.jsonl`` and ``<name>.json`` under ``<artifacts>/concurrency``.

    The JSON is what the sign-off report reads (name, valid, explain, anomalies as
    kind -> count, ops, winners, losers, opening, final, level); the full checker output
    rides along under ``checker``. ``subdir`` keeps deliberately-invalid runs (the naive
    detector proof) out of the directory the report treats as the gate's verdicts.
    """
    directory = Path(artifacts) / "concurrency"
    if subdir:
        directory = directory / subdir
    directory.mkdir(parents=True, exist_ok=True)
    history.save(directory / f"{name}.history.jsonl")
    done = [op for op in history if op.type != INVOKE and op.stock_id is not None]
    payload = {
        "name": name,
        "valid": result.valid,
        "explain": result.explain(),
        "anomalies": {kind: len(items) for kind, items in result.anomalies.items()},
        "ops": len(done),
        "winners": sum(op.type == OK for op in done),
        "losers": sum(op.type == FAIL for op in done),
        "unknown": sum(op.type == INFO for op in done),
        "opening": {sid: s.get("opening") for sid, s in result.stocks.items()},
        "final": {sid: s.get("final") for sid, s in result.stocks.items()},
        "level": level,
        **extra,
        "checker": result.to_dict(),
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    for written in (path, directory / f"{name}.history.jsonl"):  # into the Allure result of this test
        attach_file(written)
    return path


def failure_message(result: Result, saved: Path, *more: str) -> str:
    """The checker's explanation plus where the evidence was written."""
    return "\n".join([result.explain(), *more, f"evidence: {saved} (+ .history.jsonl)"])


# --- checking -----------------------------------------------------------------------------


async def verdict(conn, history: History, before: Snapshot, stock_ids: Iterable[Any],
                  keys: Iterable[str] = ()) -> Result:
    """Snapshot ``stock_ids`` now (as the owner) and check the history against it."""
    after = await snapshot(conn, stock_ids, keys)
    return check(history, FinalState.between(before, after))


def completions(history: History) -> list[Op]:
    return [op for op in history if op.type != INVOKE]


def unanswered(history: History) -> list[Op]:
    """Ops without a definite answer: a 5xx, a transport error, an exception (``info``).

    Outside fault injection every op must be definitely ok or definitely refused.
    """
    return [op for op in completions(history) if op.type == INFO]


def keys_of(history: History) -> list[str]:
    return sorted({op.idempotency_key for op in history if op.idempotency_key})


# --- recording HTTP actions ---------------------------------------------------------------


@dataclass(frozen=True)
class Leg:
    """The effect of one action on one stock row.

    ``delta`` is the signed change asked for (None when only the answer tells, e.g. an
    absolute adjustment); ``path`` names the sub-object of a 2xx body carrying this leg's
    result (a transfer answers ``{"out": {...}, "in": {...}}``), None for the body itself.
    """

    stock_id: Any
    delta: int | None
    path: str | None = None
    target: int | None = None  # the quantity an absolute adjustment asks for


def begin(history: History, actor: str, action: str, legs: Sequence[Leg],
          key: str | None = None) -> list[Recording]:
    """Invoke one op per leg; complete them with ``finish`` once the answer is known."""
    return [history.record(actor, action, leg.stock_id, leg.delta, key, leg.target) for leg in legs]


def finish(recs: Sequence[Recording], legs: Sequence[Leg], status: int, body: Any) -> None:
    """Complete every leg from one HTTP answer (2xx ok, 4xx fail, other info)."""
    for rec, leg in zip(recs, legs):
        part = body.get(leg.path) if leg.path and 200 <= status < 300 and isinstance(body, dict) else body
        rec.from_response(status, part)


def abandon(recs: Sequence[Recording], exc: BaseException) -> None:
    """No answer (transport error, cancelled): the effect is unknown -> info."""
    for rec in recs:
        if rec.completion is None:
            rec.info(error=type(exc).__name__)


async def act(sut, history: History, actor: str, user, action: str, body: dict,
              legs: Sequence[Leg], *, gate: asyncio.Barrier | None = None):
    """Call ``action`` through the SUT adapter, recording one op per leg.

    ``gate`` releases a group of actors together: the invoke is recorded after the
    barrier, so invoke times show how tightly the requests overlapped.
    """
    if gate is not None:
        await gate.wait()
    recs = begin(history, actor, action, legs, body.get("idempotency_key"))
    try:
        resp = await sut.call(user, action, body)
    except BaseException as exc:
        abandon(recs, exc)
        raise
    finish(recs, legs, resp.status, resp.json)
    return resp


async def released_together(coros: Sequence, gate: asyncio.Barrier | None = None) -> list:
    """Run actors that wait on ``gate``; a crashed actor breaks the barrier, not the run."""
    results = await asyncio.gather(*coros, return_exceptions=True)
    if gate is not None and gate.broken:
        raise RuntimeError("an actor failed before the release: "
                           + "; ".join(repr(r) for r in results if isinstance(r, BaseException)))
    return results


# --- recording SQL calls ------------------------------------------------------------------


async def sql_consume_race(binding, connections: Sequence, users: Sequence, stock, history: History,
                           *, quantity: int = 1, direct: bool = False) -> None:
    """Each actor opens its own transaction as its user, waits for all, then deducts — through
    the stock function, or (``direct``) by inserting its ``consumed`` ledger row itself, the
    PostgREST POST CONTRACT §4 says moves the stock just the same.

    The completion is recorded after COMMIT: an op is only ``ok`` once it is durable.
    """
    gate = asyncio.Barrier(len(users))

    async def actor(i: int, conn, user) -> None:
        rec = None
        try:
            async with as_user(conn, user, commit=True):
                await gate.wait()
                rec = history.record(f"crew-{i}", "insert consumed" if direct else "deduct_stock_inventory",
                                     stock.id, -quantity)
                row = await (_insert_consumed(conn, stock, user, quantity) if direct else
                             _deduct_row(binding, conn, stock, quantity))
        except BaseException as exc:
            if rec is None:
                await gate.abort()
            else:
                abandon([rec], exc)
            raise
        rec.from_row(row)

    await released_together([actor(i, c, u) for i, (c, u) in enumerate(zip(connections, users))],
                            gate)


async def _deduct_row(binding, conn, stock, quantity: int) -> dict:
    return (await binding.deduct(conn, stock.id, quantity)).as_row()


async def _insert_consumed(conn, stock, user, quantity: int) -> dict:
    """A direct ``consumed`` ledger row (§4: it moves the stock); a refusal, now or by a check
    deferred to commit (fired here, as the commit would), is the row's SQLSTATE."""
    try:
        async with conn.transaction():   # a savepoint: a refused insert leaves the actor's transaction usable
            row = await conn.fetchrow(
                "INSERT INTO public.pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, "
                "quantity_change, user_id) VALUES ($1, $2, $3, 'consumed', $4, $5) "
                "RETURNING id, quantity_before, quantity_after", stock.yacht_id, stock.part_id, stock.id, -quantity,
                user.id)
            await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except asyncpg.PostgresError as exc:
        return {"success": False, "quantity_before": None, "quantity_after": None, "error_code": exc.sqlstate,
                "transaction_id": None}
    return {"success": True, "quantity_before": row["quantity_before"], "quantity_after": row["quantity_after"],
            "error_code": None, "transaction_id": row["id"]}


# --- serving a variant in-process ---------------------------------------------------------


@asynccontextmanager
async def served(dsn: str, settings, binding, variant: str | None = None):
    """Serve the implementation's own API (its binding knows how; `variant` = a reference handler
    variant such as naive) over ``dsn`` in a thread; yield a client speaking its own API profile."""
    from harness.sut.auth import mint

    try:
        base_url, stop = binding.serve(dsn, settings.with_(sut=variant) if variant else settings)
    except HarnessError as exc:
        pytest.skip(f"blocked: {exc}")
    client = binding.api(base_url, functools.partial(mint, secret=settings.jwt_secret))
    try:
        yield client
    finally:
        await client.aclose()
        await asyncio.to_thread(stop)


def describe_ops(ops: Iterable[Op], limit: int = 8) -> str:
    ops = list(ops)
    lines = [op.describe() for op in ops[:limit]]
    if len(ops) > limit:
        lines.append(f"... {len(ops) - limit} more")
    return "\n".join(lines)
