"""A locust user that calls the atomic stock functions over a PostgreSQL DSN.

This is the staging path: no HTTP layer, each request exactly what PostgREST sends --
``BEGIN; SET LOCAL ROLE authenticated; set_config('request.jwt.claims', ..., true);
SELECT * FROM deduct_stock_inventory(...); COMMIT`` -- so RLS and the function's own
role gate apply. psycopg 3 is used because it yields to gevent; asyncpg would block
every locust user on one socket. Locust's contrib Postgres user returns no rows, and
the history needs them.

The five statements travel as one simple-query message (psycopg's client-side binding), as
PostgREST sends them from next to the database: one round trip per request, and the stock
row's lock is not held across the network while the COMMIT travels (statement by statement,
a 50 ms link capped one hot row at ~20 requests/s whatever the users).
"""

from __future__ import annotations

import json
import random
import time
import uuid

import psycopg
from locust import User, between, task
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from harness.history import FAIL
from harness.load.plan import LoadPlan, iteration

EXPECTED_REFUSALS = {"insufficient_stock"}


class ActionRefused(Exception):
    """A non-success error code other than the expected contention outcome."""


class CrewPgUser(User):
    """Operational crew calling deduct (3x) and add (1x) on the run's stock rows."""

    abstract = True  # concrete classes come from plan.bind(CrewPgUser, plan)
    plan: LoadPlan
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.actor = self.plan.actor()
        self.actor_name = f"pg-{self.actor.id}"
        self.claims = self.plan.claims_json(self.actor)
        self.conn = self._connect()

    def on_stop(self) -> None:
        self.conn.close()

    def _connect(self) -> psycopg.Connection:
        conn = psycopg.connect(self.plan.dsn, row_factory=dict_row, autocommit=True,
                               cursor_factory=psycopg.ClientCursor)
        self.plan.connections.append(conn)
        return conn

    @task(3)
    def deduct(self) -> None:
        self._call("deduct_stock_inventory", "consume", -self.plan.quantity)

    @task(1)
    def add(self) -> None:
        self._call("add_stock_inventory", "receive", self.plan.quantity)

    def _call(self, function: str, f: str, delta: int) -> None:
        stock = self.plan.stock_of(random.randrange(len(self.plan.seeded.stocks)))
        key = f"load-{uuid.uuid4()}" if self.plan.with_details else None
        sql, params = _statement(function, stock.id, abs(delta), key)
        with iteration(self.plan), \
                self.plan.history.record(self.actor_name, f, stock.id, delta, key) as rec:
            started, error = time.perf_counter(), None
            try:
                if self.conn.closed or self.conn.broken:  # killed by a nemesis or restart
                    self.conn = self._connect()
                row = _one_round_trip(self.conn, sql, [self.claims, *params])
                op = rec.from_row(row)  # only after COMMIT returned: before that it is unknown
                if op.type == FAIL and op.error not in EXPECTED_REFUSALS:
                    error = ActionRefused(op.error)
            except psycopg.Error as exc:
                rec.info(error=type(exc).__name__)
                error = exc
                if not self.conn.closed and self.conn.info.transaction_status == TransactionStatus.INERROR:
                    self.conn.execute("ROLLBACK")
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(
                request_type="pg", name=function, response_time=elapsed_ms, response_length=0,
                exception=error, context={"outcome": rec.completion.type})


def _one_round_trip(conn: psycopg.Connection, call: str, params: list):
    """The call's row, from BEGIN; role; claims; call; COMMIT sent as one message."""
    cur = conn.execute("BEGIN; SET LOCAL ROLE authenticated; SELECT set_config('request.jwt.claims', %s, true); "
                       f"{call}; COMMIT", params)
    row = None
    while True:
        if cur.description and cur.description[0].name != "set_config":
            row = cur.fetchone()
        if not cur.nextset():
            return row


def _statement(function: str, stock_id, quantity: int, key: str | None):
    """The call with named arguments; ``p_details`` only when there is a key to carry."""
    if key is None:
        return (f"SELECT * FROM public.{function}(p_stock_id => %s, p_quantity => %s)",
                [stock_id, quantity])
    return (f"SELECT * FROM public.{function}(p_stock_id => %s, p_quantity => %s, "
            f"p_details => %s::jsonb)", [stock_id, quantity, json.dumps({"idempotency_key": key})])
