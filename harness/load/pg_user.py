"""A locust user that calls the atomic stock functions over a PostgreSQL DSN.

This is the staging path: no HTTP layer, each request exactly what PostgREST sends --
``BEGIN; SET LOCAL ROLE authenticated; set_config('request.jwt.claims', ..., true);
SELECT * FROM deduct_stock_inventory(...); COMMIT`` -- so RLS and the function's own
role gate apply. psycopg 3 is used because it yields to gevent; asyncpg would block
every locust user on one socket. Locust's contrib Postgres user returns no rows, and
the history needs them.
"""

from __future__ import annotations

import json
import random
import time
import uuid

import psycopg
from locust import User, between, task
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
        conn = psycopg.connect(self.plan.dsn, row_factory=dict_row)
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
                with self.conn.transaction():
                    self.conn.execute("SET LOCAL ROLE authenticated")
                    self.conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                                      [self.claims])
                    row = self.conn.execute(sql, params).fetchone()
                op = rec.from_row(row)  # only after COMMIT returned: before that it is unknown
                if op.type == FAIL and op.error not in EXPECTED_REFUSALS:
                    error = ActionRefused(op.error)
            except psycopg.Error as exc:
                rec.info(error=type(exc).__name__)
                error = exc
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(
                request_type="pg", name=function, response_time=elapsed_ms, response_length=0,
                exception=error, context={"outcome": rec.completion.type})


def _statement(function: str, stock_id, quantity: int, key: str | None):
    """The call with named arguments; ``p_details`` only when there is a key to carry."""
    if key is None:
        return (f"SELECT * FROM public.{function}(p_stock_id => %s, p_quantity => %s)",
                [stock_id, quantity])
    return (f"SELECT * FROM public.{function}(p_stock_id => %s, p_quantity => %s, "
            f"p_details => %s::jsonb)", [stock_id, quantity, json.dumps({"idempotency_key": key})])
