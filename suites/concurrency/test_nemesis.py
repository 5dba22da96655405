"""Nemesis: consumes and receives keep flowing while backends die and the server crashes.

Faults are what a staging database really suffers: connections killed under the
handler (``pg_terminate_backend``: pooler recycling, failover) and an immediate-mode
restart (no checkpoint, crash recovery). Clients retry every operation with the SAME
idempotency key until they get a definite answer; a retry answered
``duplicate_request`` means an earlier attempt committed, and the client asks the API
which ledger row it was (read by the owner: an API need not offer a ledger read). Afterwards the checker must find every acknowledged op in
the ledger exactly once, no refused op there, stock equal to opening + acknowledged
changes and zero drift; usage and audit rows must match the ledger one for one
(nothing half-applied). Besides the server-side faults, clients lose some responses
on purpose (they give up on a first attempt after a few milliseconds while the server
goes on and commits it): that is the path where only the idempotency key prevents a
double booking, so the test demands it was taken at least once.

The faults hit a PRIVATE embedded server, migrated from the run's SQL directory into
a fresh database, so this runs whatever the run's target is (also in the gate, which
attaches to a shared server it must not crash). Its ``synchronous_commit`` is on:
with it off (the harness's fast default) a crash may legitimately drop commits the
server already acknowledged, and the test would blame the SUT for the cluster's
configuration.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from harness import migrate
from harness.checker import Result, snapshot
from harness.db import connect
from harness.factories import Factory
from harness.history import History
from harness.nemesis import Nemesis, Step, restart_server, terminate_backends
from harness.provenance import stamp
from harness.provision.embedded import EmbeddedServer

from ._stress import (
    Leg,
    begin,
    failure_message,
    finish,
    keys_of,
    save_run,
    served,
    verdict,
)

pytestmark = pytest.mark.concurrency

DBNAME = "lens_nemesis"
OPENING = 500  # far above what the clients can net consume: refusals stay rare and plain
FAULT_INTERVAL = 0.25  # seconds between faults (each client still completes nemesis_min_ops)
TAIL = 0.3  # clients keep going this long after the last fault (recovery is exercised too)
PACE = 0.02  # pause between a client's ops
LOST_RESPONSES = 0.15  # share of first attempts whose response the client gives up on
RETRY_FOR = 60.0  # seconds a client keeps retrying one op before calling it unknown


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def private_server(lens_settings):
    """A throwaway cluster with the run's migrations applied to ``lens_nemesis``."""
    if lens_settings.verify_only:
        pytest.skip("verify-only DSN: the nemesis needs a server it may crash; rerun with "
                    "--lens-allow-writes (it then starts a private embedded server)")
    server = EmbeddedServer(lens_settings.pg_bin, settings={"synchronous_commit": "on"})
    await asyncio.to_thread(server.start)
    try:
        admin = await connect(server.admin_dsn)
        try:
            await admin.execute(f"CREATE DATABASE {DBNAME}")
        finally:
            await admin.close()
        server.migrations = await asyncio.to_thread(migrate.apply, server.dsn_for(DBNAME), lens_settings.sql_dir,
                                                     lens_settings.base_schema)
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def schedule(server, kills: int, restarts: int) -> list[Step]:
    """Kills and restarts interleaved, ``FAULT_INTERVAL`` apart, starting with a kill."""
    kill = Step(FAULT_INTERVAL, "terminate_backends",
                lambda: terminate_backends(server.admin_dsn, DBNAME))
    restart = Step(FAULT_INTERVAL, "restart_immediate", lambda: restart_server(server))
    steps = []
    while kills or restarts:
        if kills:
            steps.append(kill)
            kills -= 1
        if restarts:
            steps.append(restart)
            restarts -= 1
    return steps


class RetryingClient:
    """One crew member's client: same key on every retry, definite answers only."""

    def __init__(self, sut, history: History, answers: Counter, dsn: str):
        self.sut, self.history, self.answers, self.dsn = sut, history, answers, dsn
        self.retried = self.replayed = 0

    async def run(self, actor: str, user, action: str, body: dict, leg: Leg, rng) -> None:
        (rec,) = begin(self.history, actor, action, [leg], body["idempotency_key"])
        loop = asyncio.get_running_loop()
        deadline, attempt, uncertain, last = loop.time() + RETRY_FOR, 0, False, None
        while True:
            attempt += 1
            patience = rng.uniform(0.001, 0.02) if attempt == 1 and rng.random() < LOST_RESPONSES else None
            try:
                resp = await asyncio.wait_for(self.sut.call(user, action, body), patience)
            except TimeoutError:
                uncertain, last = True, "lost response"
                self.answers["lost response (client gave up)"] += 1
            except httpx.TransportError as exc:
                uncertain, last = True, type(exc).__name__
            else:
                self.answers[f"{resp.status} {resp.error or ''}".strip()] += 1
                if resp.status < 500:
                    self.retried += attempt > 1
                    if uncertain and resp.error == "duplicate_request":
                        self.replayed += 1
                        rec.ok(**await self.original(body["idempotency_key"], resp, deadline))
                    else:
                        finish([rec], [leg], resp.status, resp.json)
                    return
                uncertain, last = True, f"{resp.status} {resp.error}"
            if loop.time() > deadline:
                self.retried += 1
                rec.info(error=last)
                return
            await asyncio.sleep(min(0.05 * attempt, 0.5))

    async def original(self, key: str, duplicate, deadline: float) -> dict:
        """The ledger row an earlier attempt committed, read by the owner (CONTRACT §3 columns;
        an API need not offer a ledger read). The server may be restarting: retry until the deadline."""
        found = {"status": duplicate.status, "error": "duplicate_request",
                 "transaction_id": (duplicate.json or {}).get("transaction_id")}
        while asyncio.get_running_loop().time() < deadline:
            try:
                conn = await asyncpg.connect(self.dsn)
                try:
                    row = await conn.fetchrow("SELECT id, quantity_before, quantity_after FROM pms_inventory_transactions "
                                              "WHERE idempotency_key = $1", key)
                finally:
                    await conn.close()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError):
                # InternalClientError: a fault killed the backend in the middle of this read
                await asyncio.sleep(0.1)
                continue
            if row is None:
                return found  # not in the ledger: the checker reports the missing row
            return {**found, "transaction_id": str(row["id"]), "quantity_before": row["quantity_before"],
                    "quantity_after": row["quantity_after"]}
        return found


@dataclass
class FaultRun:
    result: Result
    saved: Path
    log: list
    answers: Counter
    books: dict
    retried: int
    replayed: int

    @property
    def killed(self) -> int:
        return sum(e.get("result") or 0 for e in self.log if e["fault"] == "terminate_backends")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fault_run(private_server, lens_settings, lens_binding, lens_artifacts, sizes) -> FaultRun:
    """One stress run under faults; the tests below judge different aspects of it."""
    dsn = private_server.dsn_for(DBNAME)
    conn = await connect(dsn)
    f = Factory(conn, prefix="lens-nemesis", binding=lens_binding)
    yacht = await f.yacht()
    users = [await f.user(yacht, "deckhand") for _ in range(sizes.nemesis_clients)]
    part, location = await f.part(yacht), await f.location(yacht)
    stock = await f.stock(part, location, quantity=OPENING)
    before = await snapshot(conn, [stock.id])
    await conn.close()  # every backend of the database is about to be killed

    history, answers, stop = History(), Counter(), asyncio.Event()
    nemesis = Nemesis(schedule(private_server, sizes.nemesis_kills, sizes.nemesis_restarts), history)

    async with served(dsn, lens_settings, lens_binding) as sut:
        client = RetryingClient(sut, history, answers, dsn)

        async def crew(i: int, user) -> None:
            rng, n = random.Random(i), 0
            while n < sizes.nemesis_min_ops or (not stop.is_set() and n < sizes.nemesis_max_ops):
                qty, consume = rng.randint(1, 3), n % 2 == 0
                action = "consume_part" if consume else "receive_part"
                body = {"part_id": str(part.id), "location_id": str(location.id), "quantity": qty,
                        "idempotency_key": f"nemesis-{uuid.uuid4()}"}
                await client.run(f"crew-{i}", user, action, body,
                                 Leg(stock.id, -qty if consume else qty), rng)
                n += 1
                await asyncio.sleep(PACE)

        async def inject() -> None:
            await nemesis.start()
            await nemesis.wait()
            await asyncio.sleep(TAIL)
            stop.set()

        await asyncio.gather(inject(), *(crew(i, u) for i, u in enumerate(users)))

    conn = await connect(dsn)
    try:
        result = await verdict(conn, history, before, [stock.id], keys_of(history))
        books = dict(await conn.fetchrow(
            "SELECT (SELECT count(*) FROM pms_inventory_transactions WHERE stock_id = $1 "
            "        AND idempotency_key LIKE 'nemesis-%') AS ledger_rows, "
            " (SELECT count(*) FROM pms_inventory_transactions WHERE stock_id = $1 "
            "        AND transaction_type = 'consumed') AS consumed_rows, "
            " (SELECT count(*) FROM pms_part_usage WHERE part_id = $2) AS usage_rows, "
            " (SELECT count(*) FROM pms_inventory_transactions t WHERE stock_id = $1 "
            "        AND transaction_type = 'consumed' AND NOT EXISTS "
            "        (SELECT 1 FROM pms_part_usage u WHERE u.id = t.usage_id)) AS consumed_without_usage, "
            " (SELECT count(*) FROM pms_audit_log WHERE yacht_id = $3 "
            "        AND action IN ('consume_part', 'receive_part')) AS audit_rows",
            stock.id, part.id, yacht.id))
    finally:
        await conn.close()
    # one module-scoped run (the gate distributes by file, so one worker runs it)
    saved = save_run(lens_artifacts, "nemesis_faults", history, result, level="http",
                     faults=nemesis.log, answers=dict(answers), retried_ops=client.retried,
                     replayed_ops=client.replayed, books=books, variant=lens_settings.sut,
                     provenance=stamp(lens_settings, private_server.migrations))
    return FaultRun(result, saved, nemesis.log, answers, books, client.retried, client.replayed)


async def test_faults_lose_nothing_and_apply_nothing_twice(fault_run):
    run = fault_run
    assert all(e["ok"] for e in run.log), f"a fault could not be injected: {run.log}"
    assert run.killed > 0 and run.retried > 0 and run.replayed > 0, (
        f"the faults were not felt (backends killed {run.killed}, retried ops {run.retried}, "
        f"retries answered duplicate_request {run.replayed})")
    assert run.result.valid is True, failure_message(run.result, run.saved,
                                                     f"answers: {dict(run.answers)}")
    books = run.books
    assert books["usage_rows"] == books["consumed_rows"] and books["consumed_without_usage"] == 0 \
        and books["audit_rows"] == books["ledger_rows"], f"half-applied actions: {books}"


async def test_faults_answer_retryable_503_never_500(fault_run):
    """A database fault is the client's cue to retry: 503, never an opaque 500."""
    internal = {a: n for a, n in fault_run.answers.items() if a.startswith("500")}
    assert not internal, f"faults answered 500 instead of 503: {internal} (all: {dict(fault_run.answers)})"
