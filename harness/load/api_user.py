"""Locust users that drive the action API over HTTP, as the crew's app does.

Each locust user is one seeded crew member with a minted bearer token, consuming and
receiving on the run's own stock rows through the plan's API profile: the route, envelope and
error field of the API under load, not only the reference's. Every request is also recorded in
the plan's history so the checker can verify the run afterwards. A 409 ``insufficient_stock`` is
the system working, not a failure; any other refusal, a 5xx or a dropped connection is.
"""

from __future__ import annotations

import random
import uuid

from locust import HttpUser, between, task

from harness.history import FAIL, OK
from harness.load.plan import LoadPlan, iteration

EXPECTED_REFUSALS = {"insufficient_stock"}


class CrewApiUser(HttpUser):
    """Operational crew: consume_part three times as often as receive_part."""

    abstract = True  # concrete classes come from plan.bind(CrewApiUser, plan, host=url)
    plan: LoadPlan
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.actor = self.plan.actor()
        self.actor_name = f"api-{self.actor.id}"
        self.headers = {"Authorization": f"Bearer {self.plan.mint(self.actor)}"}

    @task(3)
    def consume(self) -> None:
        self._act("consume_part", -self.plan.quantity, key=None)

    @task(1)
    def receive(self) -> None:
        self._act("receive_part", self.plan.quantity, key=f"load-{uuid.uuid4()}")

    def _act(self, action: str, delta: int, key: str | None) -> None:
        stock = self.plan.stock_of(random.randrange(len(self.plan.seeded.stocks)))
        body = {"part_id": str(stock.part_id), "location_id": str(stock.location_id),
                "quantity": abs(delta)}
        if key:
            body["idempotency_key"] = key
        profile = self.plan.profile
        method, path, wire = profile.request(action, body, self.actor.yacht_id)
        with iteration(self.plan), \
                self.plan.history.record(self.actor_name, action, stock.id, delta, key) as rec, \
                self.client.request(method, path, json=wire, headers=self.headers,
                                    name=action, catch_response=True) as resp:
            op = rec.from_response(resp.status_code, profile.answer(resp.status_code, _json(resp)))
            if op.type == OK or (op.type == FAIL and op.error in EXPECTED_REFUSALS):
                resp.success()
            else:
                resp.failure(f"{resp.status_code} {op.error or op.type}")


def _json(resp):
    try:
        return resp.json()
    except (ValueError, TypeError):  # no body: a dropped connection or a proxy page
        return None
