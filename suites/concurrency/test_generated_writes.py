"""Races on every function an API role may call that moves stock, whatever its name.

The stock functions, direct ledger inserts and the API are raced by name elsewhere in this
suite; a function a later migration adds was only ever called alone (red team round 5, 51: a
stocktake RPC read the quantity without the row lock, then wrote the count over a consume that
committed in between).  Here the catalog says which functions exist (harness/paths), the
probe says which of their generated examples booked a ledger row (rolled back: the example
that succeeded, as the caller it succeeded for), and each such example is forced into its
worst interleaving on a fresh yacht (as test_forced_interleavings does for the adjust): a
separate connection holds the stock row it wrote, locked and changed but not committed (a
consume of 1, then the example itself), until the example's backend is seen waiting for it;
then the holder commits.  A function that reads before it locks has read the old quantity
every time.  Judged with no expectation of the function: the stock row moved exactly by the
ledger rows booked meanwhile (no lost update), and the yacht's stock and ledger agree.
"""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from harness import surface
from harness.db import as_user, claims_for
from harness.oracles.all_or_nothing import LEDGER
from harness.oracles.observation import delta
from harness.paths import catalog, values, worlds
from harness.paths.probe import Probe, function_sql

from ..lens_sql import quantity, unaccounted_stock
from .test_forced_interleavings import BLOCK_WAIT, _blocked_by

pytestmark = pytest.mark.concurrency

#: Small on purpose: a generated count or quantity (1, 2, 0) then books a small change, which
#: §7 does not ask to be signed.
OPENING = 5
ACTORS = ("deckhand", "chief_engineer", "captain")
BUDGET = 8


async def _ship(f):
    yacht = await f.yacht()
    users = {role: await f.user(yacht, role) for role in ACTORS}
    part = await f.part(yacht)
    stock = await f.stock(part, await f.location(yacht), quantity=OPENING)
    return yacht, users, stock


async def _writers(conn, paths, yacht, users, only: str | None = None) -> list[tuple]:
    """(call, actor, stock id) per function path: its first generated example that booked a
    ledger row naming a stock row, as the first actor it did so for (rolled back)."""
    tables = await surface.yacht_tables(conn)
    found: dict[str, tuple] = {}
    tx = conn.transaction()
    await tx.start()
    try:
        probe = Probe(conn, [yacht.id], tables)
        before = await probe.snapshot()
        literals = await values.mined_literals(conn)
        own = {t: [uuid.UUID(r[0]) for r in await conn.fetch(
            f"SELECT to_jsonb(t) ->> 'id' FROM public.{t} t WHERE yacht_id = $1 ORDER BY 1", yacht.id)
            if r[0] and values.is_uuid(r[0])] for t in tables}
        for actor, user in users.items():
            colleague = next(u for a, u in users.items() if a != actor)
            pool = values.Pool(own, {}, yacht.id, uuid.uuid4(), user.id, colleague.id, [], literals)
            calls = [worlds.Call(p.label(), args, function_sql(p), args, "function") for p in paths
                     if p.label() not in found and (only is None or p.label() == only)
                     for args in values.examples(p, pool, BUDGET)]
            for obs, call in zip(await probe.observe_all(calls, actor, before, claims_for(user)), calls):
                booked = [obs.after[k] for k in delta(obs.before, obs.after)[0] if k[0] == LEDGER]
                if obs and obs.path not in found and booked and booked[0].get("stock_id"):
                    found[obs.path] = (call, actor, uuid.UUID(booked[0]["stock_id"]))
    finally:
        await tx.rollback()
    return list(found.values())


async def _call(conn, user, call) -> str:
    try:
        async with as_user(conn, user, commit=True):
            await conn.fetch(call.sql, *call.params)
        return "answered"
    except asyncpg.PostgresError as exc:
        return f"refused {exc.sqlstate}"


async def _forced(f, lens_connect, lens_binding, yacht, users, call, actor, stock_id, holder_kind) -> list[str]:
    """One interleaving: the holder changes and locks the stock row, the example runs on its own
    connection until it waits for the holder (or ends), the holder commits.  Violations found."""
    holder, racer = await lens_connect(), await lens_connect()
    start = await quantity(f.conn, stock_id)
    booked_before = await f.conn.fetchval(
        "SELECT count(*) FROM pms_inventory_transactions WHERE stock_id = $1", stock_id)
    async with as_user(holder, users[actor] if holder_kind == "itself" else users["deckhand"], commit=True):
        if holder_kind == "itself":
            try:
                async with holder.transaction():
                    await holder.fetch(call.sql, *call.params)
            except asyncpg.PostgresError:
                return []   # refused where it succeeded alone: nothing is held, nothing to race
        else:
            await lens_binding.deduct(holder, stock_id, 1)
        pid = await holder.fetchval("SELECT pg_backend_pid()")
        task = asyncio.create_task(_call(racer, users[actor], call))
        await asyncio.wait_for(_blocked_by(f.conn, pid, task), BLOCK_WAIT)
    answer = await task
    end = await quantity(f.conn, stock_id)
    rows = await f.conn.fetch(
        "SELECT quantity_change FROM pms_inventory_transactions WHERE stock_id = $1 ORDER BY created_at, id "
        f"OFFSET {booked_before}", stock_id)
    moved = sum(r["quantity_change"] for r in rows)
    where = f"{call.path} args={list(call.args)} as {actor}, raced against {holder_kind} ({answer})"
    out = []
    if end - start != moved:
        out.append(f"{where}: the stock row went {start} -> {end} but the ledger rows booked meanwhile sum to "
                   f"{moved} (a lost update)")
    if unaccounted := await unaccounted_stock(f.conn, [yacht.id]):
        out.append(f"{where}: stock and ledger disagree on {sorted(map(str, unaccounted))}")
    return out


async def test_every_generated_write_function_keeps_stock_and_ledger(committed_factory, lens_connect, lens_binding,
                                                                    record_property):
    """Each function an API role may EXECUTE whose generated example booked a ledger row, raced
    against a held consume and against itself on a fresh yacht: no lost update, no drift.  (An
    implementation whose functions book no ledger row alone, the handler writing it, has none.)"""
    f = committed_factory
    functions = [p for p in await catalog.discover(f.conn) if p.kind == "function"]
    yacht, users, _ = await _ship(f)
    labels = [call.path for call, _, _ in await _writers(f.conn, functions, yacht, users)]
    record_property("generated write functions raced", ", ".join(labels) or "none")
    problems = []
    for label in labels:
        for holder_kind in ("a consume", "itself"):
            yacht, users, _ = await _ship(f)
            for call, actor, stock_id in await _writers(f.conn, functions, yacht, users, only=label):
                problems += await _forced(f, lens_connect, lens_binding, yacht, users, call, actor, stock_id, holder_kind)
    assert not problems, f"{len(problems)} races on generated write functions broke CONTRACT §4/§6:\n" + \
        "\n".join(problems)
