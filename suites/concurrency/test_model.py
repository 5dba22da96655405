"""Model-based test: a Hypothesis state machine drives the HTTP API against a plain model.

Random users of one yacht (every tier, a role outside the tiers, a user whose role was
revoked) issue random actions with random quantities (including zero and more than is
there) against one part stocked at two locations. A few lines of Python predict each
answer -- who may act (403 first), body validation (400), soft delete (409
part_deactivated), stock limits (409 insufficient_stock), replayed idempotency keys,
reversal rules -- and the quantities. After every step the committed stock (and the API's
stock read, when its profile has one) must equal the model, ``check_inventory_drift()``
must be empty and nothing may answer 5xx.

Hypothesis rules cannot take pytest fixtures, so the machine class is built inside the
test, closing over a sync ``httpx.Client``, a sync psycopg owner connection (drift,
snapshots) and the committed factory, which runs on the test's event loop while the
machine runs in a worker thread. Every stock-changing call is also recorded in a
History, so the same checker as the stress tests judges the whole run at the end.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from harness.binding.api import ProfileClient
from harness.checker import FinalState, Snapshot, check, snapshot_sync
from harness.history import History
from harness.roles import allowed
from harness.sut.adapter import Response, signature_for

from ._stress import Leg, abandon, begin, failure_message, finish

pytestmark = pytest.mark.concurrency

ROLES = ("deckhand", "steward", "chief_engineer", "purser", "captain", "manager", "guest")
REVERSIBLE = {"consumed", "received", "adjusted", "write_off"}
FORBIDDEN = (403, "forbidden")
QUANTITIES = st.one_of(st.integers(1, 5), st.integers(0, 40))  # 0 is invalid, big is too large


@dataclass
class Booked:
    """A ledger row the model knows about (a candidate for reversal)."""

    id: str
    loc: int
    delta: int
    type: str
    reversed: bool = False


@dataclass
class Run:
    """What the machine shares across examples: clients, users, history, snapshots."""

    http: httpx.Client
    api: ProfileClient  # the run's API profile: routes, envelopes, where the answer is
    pg: psycopg.Connection
    loop: asyncio.AbstractEventLoop
    factory: object
    yacht: object
    users: list
    observer: object
    threshold: int
    history: History = field(default_factory=History)
    opening: dict = field(default_factory=dict)
    ledger: list = field(default_factory=list)
    stock_ids: list = field(default_factory=list)

    def on_loop(self, coro):
        """Run a factory coroutine on the test's event loop from the machine's thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def seed(self, openings):
        async def make():
            part = await self.factory.part(self.yacht)
            locs = [await self.factory.location(self.yacht) for _ in openings]
            return part, locs, [await self.factory.stock(part, loc, quantity=q)
                                for loc, q in zip(locs, openings)]

        part, locs, stocks = self.on_loop(make())
        ids = [s.id for s in stocks]
        before = snapshot_sync(self.pg, ids)
        self.opening.update(before.quantities)
        self.ledger.extend(before.ledger)
        self.stock_ids += ids
        return part, locs, stocks

    def call(self, user, action, body, legs=()):
        recs = begin(self.history, f"{user.role}{'' if user.is_active else '-revoked'}", action,
                     legs, body.get("idempotency_key"))
        method, path = self.api.endpoint(action)
        try:
            resp = self.http.request(method, path, json=self.api.envelope(user, action, body), headers=self.auth(user))
        except BaseException as exc:
            abandon(recs, exc)
            raise
        payload = self.api.normalise(Response(resp.status_code, _json(resp))).json
        finish(recs, legs, resp.status_code, payload)
        assert resp.status_code < 500, f"{action} by {user.role}: {resp.status_code} {payload}"
        return resp.status_code, payload

    def auth(self, user):
        return {"Authorization": f"Bearer {self.api.token(user)}"}


def _json(resp):
    try:
        return resp.json()
    except ValueError:
        return None


def build_machine(run: Run):
    """The state machine class, closing over ``run`` (rules cannot take fixtures)."""
    users = st.sampled_from(run.users)
    locs = st.integers(0, 1)

    class InventoryMachine(RuleBasedStateMachine):
        booked = Bundle("booked")

        def __init__(self):
            super().__init__()
            self.part = None
            self.locs, self.stocks, self.q = [], [], []
            self.active = True
            self.keys: list[str] = []

        # -- helpers -------------------------------------------------------------------
        def refusal(self, user, action, *rules):
            """The first applicable refusal (gate first, then ``rules`` in handler order)."""
            if not (user.is_active and allowed(user.role, action)):
                return FORBIDDEN
            for applies, answer in rules:
                if applies:
                    return answer
            return None

        def expect(self, got, expected, what):
            status, payload = got
            error = payload.get("error") if isinstance(payload, dict) else None
            if expected is None:
                assert status == 200, f"{what}: expected 200, got {status} {payload}"
            else:
                assert (status, error) == expected, f"{what}: expected {expected}, got {status} {payload}"
            return expected is None

        def book(self, payload, loc, delta, type_):
            return Booked(payload["transaction_id"], loc, delta, type_)

        def body(self, loc=None, **extra):
            body = {"part_id": str(self.part.id)}
            if loc is not None:
                body["location_id"] = str(self.locs[loc].id)
            return {**body, **extra}

        def leg(self, loc, delta, path=None):
            return Leg(self.stocks[loc].id, delta, path)

        # -- setup -----------------------------------------------------------------------
        @initialize(openings=st.tuples(st.integers(0, 20), st.integers(0, 20)))
        def seed(self, openings):
            self.part, self.locs, self.stocks = run.seed(openings)
            self.q = list(openings)

        # -- crew --------------------------------------------------------------------------
        @rule(target=booked, user=users, loc=locs, qty=QUANTITIES)
        def consume(self, user, loc, qty):
            expected = self.refusal(user, "consume_part",
                                    (qty <= 0, (400, "invalid_quantity")),
                                    (not self.active, (409, "part_deactivated")),
                                    (qty > self.q[loc], (409, "insufficient_stock")))
            got = run.call(user, "consume_part", self.body(loc, quantity=qty), [self.leg(loc, -qty)])
            if not self.expect(got, expected, f"consume {qty} at {loc} (have {self.q[loc]})"):
                return multiple()
            self.q[loc] -= qty
            return self.book(got[1], loc, -qty, "consumed")

        @rule(target=booked, user=users, loc=locs, qty=QUANTITIES, replay=st.booleans(),
              pick=st.integers(0, 1000))
        def receive(self, user, loc, qty, replay, pick):
            replayed = replay and bool(self.keys)
            key = self.keys[pick % len(self.keys)] if replayed else f"model-{uuid.uuid4()}"
            expected = self.refusal(user, "receive_part",
                                    (qty <= 0, (400, "invalid_quantity")),
                                    (not self.active, (409, "part_deactivated")),
                                    (replayed, (409, "duplicate_request")))
            got = run.call(user, "receive_part", self.body(loc, quantity=qty, idempotency_key=key),
                           [self.leg(loc, qty)])
            if not self.expect(got, expected, f"receive {qty} at {loc} (replay={replayed})"):
                return multiple()
            self.q[loc] += qty
            self.keys.append(key)
            return self.book(got[1], loc, qty, "received")

        # -- heads of department -------------------------------------------------------
        @rule(target=booked, user=users, loc=locs, new=st.integers(0, 40), signed=st.booleans())
        def adjust(self, user, loc, new, signed):
            change = new - self.q[loc]
            expected = self.refusal(user, "adjust_stock_quantity",
                                    (not self.active, (409, "part_deactivated")),
                                    (change == 0, (400, "invalid_quantity")),
                                    (abs(change) >= run.threshold and not signed,
                                     (400, "signature_required")))
            extra = {"reason": "stock take", "signature": signature_for(user)} if signed else {}
            got = run.call(user, "adjust_stock_quantity", self.body(loc, new_quantity=new, **extra),
                           [self.leg(loc, None)])
            if not self.expect(got, expected, f"adjust {self.q[loc]}->{new} signed={signed}"):
                return multiple()
            self.q[loc] = new
            return self.book(got[1], loc, change, "adjusted")

        @rule(target=booked, user=users, src=locs, dst=locs, qty=QUANTITIES)
        def transfer(self, user, src, dst, qty):
            expected = self.refusal(user, "transfer_part",
                                    (qty <= 0, (400, "invalid_quantity")),
                                    (src == dst, (400, "invalid_transfer")),
                                    (not self.active, (409, "part_deactivated")),
                                    (qty > self.q[src], (409, "insufficient_stock")))
            body = {"part_id": str(self.part.id), "from_location_id": str(self.locs[src].id),
                    "to_location_id": str(self.locs[dst].id), "quantity": qty}
            got = run.call(user, "transfer_part", body,
                           [self.leg(src, -qty, "out"), self.leg(dst, qty, "in")])
            if not self.expect(got, expected, f"transfer {qty} {src}->{dst} (have {self.q[src]})"):
                return multiple()
            self.q[src] -= qty
            self.q[dst] += qty
            return multiple(self.book(got[1]["out"], src, -qty, "transferred_out"),
                            self.book(got[1]["in"], dst, qty, "transferred_in"))

        @rule(target=booked, user=users, loc=locs, qty=QUANTITIES)
        def write_off(self, user, loc, qty):
            expected = self.refusal(user, "write_off_part",
                                    (qty <= 0, (400, "invalid_quantity")),
                                    (not self.active, (409, "part_deactivated")),
                                    (qty > self.q[loc], (409, "insufficient_stock")))
            body = self.body(loc, quantity=qty, reason="damaged", signature=signature_for(user))
            got = run.call(user, "write_off_part", body, [self.leg(loc, -qty)])
            if not self.expect(got, expected, f"write off {qty} at {loc} (have {self.q[loc]})"):
                return multiple()
            self.q[loc] -= qty
            return self.book(got[1], loc, -qty, "write_off")

        @rule(user=users)
        def deactivate(self, user):
            expected = self.refusal(user, "deactivate_part", (not self.active, (409, "part_deactivated")))
            got = run.call(user, "deactivate_part",
                           self.body(reason="obsolete", signature=signature_for(user)))
            if self.expect(got, expected, "deactivate"):
                self.active = False

        @rule(user=users)
        def reactivate(self, user):
            expected = self.refusal(user, "reactivate_part", (self.active, (409, "part_not_deactivated")))
            got = run.call(user, "reactivate_part", self.body(signature=signature_for(user)))
            if self.expect(got, expected, "reactivate"):
                self.active = True

        # -- managers ------------------------------------------------------------------
        @rule(target=booked, user=users, tx=booked)
        def reverse(self, user, tx):
            expected = self.refusal(user, "reverse_transaction",
                                    (tx.type not in REVERSIBLE, (400, "invalid_reversal")),
                                    (tx.reversed, (409, "already_reversed")),
                                    (not self.active, (409, "part_deactivated")),
                                    (self.q[tx.loc] - tx.delta < 0, (409, "insufficient_stock")))
            body = {"transaction_id": tx.id, "reason": "booked in error",
                    "signature": signature_for(user)}
            got = run.call(user, "reverse_transaction", body, [self.leg(tx.loc, -tx.delta)])
            if not self.expect(got, expected, f"reverse {tx.type} {tx.delta:+d} (have {self.q[tx.loc]})"):
                return multiple()
            tx.reversed = True
            self.q[tx.loc] -= tx.delta
            return self.book(got[1], tx.loc, -tx.delta, "reversed")

        # -- invariants ----------------------------------------------------------------
        @invariant()
        def stock_equals_model(self):
            """What committed (§3 stock rows, read by the owner) and, when the API profile
            declares a stock read, what the API reports, both equal the model."""
            if self.part is None:
                return
            want = {str(loc.id): (q, not self.active) for loc, q in zip(self.locs, self.q)}
            rows = run.pg.execute("SELECT location_id, quantity, deleted_at IS NOT NULL FROM pms_inventory_stock "
                                  "WHERE part_id = %s", [self.part.id]).fetchall()
            got = {str(loc): (q, gone) for loc, q, gone in rows}
            assert got == want, f"committed stock {got} != model {want}"
            if "stock" in run.api.profile.reads:
                route = run.api.profile.reads["stock"].replace("{part_id}", str(self.part.id))
                resp = run.http.get(route, headers=run.auth(run.observer))
                assert resp.status_code == 200, resp.text
                got = {row["location_id"]: (row["quantity"], row["deactivated"])
                       for row in run.api.normalise(Response(200, resp.json())).json["locations"]}
                assert got == want, f"API stock {got} != model {want}"

        @invariant()
        def no_drift(self):
            rows = run.pg.execute("SELECT * FROM check_inventory_drift() WHERE yacht_id = %s",  # §3: columns vary
                                  [run.yacht.id]).fetchall()
            assert rows == [], f"check_inventory_drift(): {rows}"

    return InventoryMachine


async def test_api_follows_the_model(sut, lens_database, lens_settings, committed_factory, sizes,
                                     record_run):
    f = committed_factory
    yacht = await f.yacht()
    users = [await f.user(yacht, role) for role in ROLES]
    users.append(await f.user(yacht, "chief_engineer", active=False))  # role revoked
    with httpx.Client(base_url=sut.base_url, timeout=30) as http, \
            psycopg.connect(lens_database.dsn, autocommit=True) as pg:
        run = Run(http=http, api=sut, pg=pg, loop=asyncio.get_running_loop(), factory=f, yacht=yacht,
                  users=users, observer=users[0],
                  threshold=lens_settings.large_adjust_threshold)
        machine = build_machine(run)
        config = settings(max_examples=sizes.model_examples, stateful_step_count=sizes.model_steps,
                          deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
        try:
            await asyncio.to_thread(run_state_machine_as_test, machine, settings=config)
        finally:
            before = Snapshot(quantities=run.opening, ledger=tuple(run.ledger))
            after = snapshot_sync(pg, run.stock_ids)
            result = check(run.history, FinalState.between(before, after))
            saved = record_run(run.history, result, level="http", parts=len(run.stock_ids) // 2,
                               examples=sizes.model_examples, steps=sizes.model_steps)
    assert result.valid is True, failure_message(result, saved)
