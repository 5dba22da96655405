"""The API's published contract agrees with the enforced one, and no input yields a 5xx.

* body specs <-> role model (harness.roles.ACTIONS): a signature field exists unless the
  policy is 'never' and is required iff 'always'; idempotency_key required iff the rule says;
* /openapi.json documents every action with exactly the body schema the validator enforces;
* property test: arbitrary JSON bodies (field names of the action, wrong types, junk, real
  ids) to every action answer 200/400/404/409, never 5xx.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.roles import ACTIONS
from harness.sut.bodies import BODIES, body_schema

pytestmark = pytest.mark.api


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_body_specs_follow_the_role_model(action):
    rule, spec = ACTIONS[action], BODIES[action]
    assert ("signature" in spec) == (rule.signature != "never")
    if "signature" in spec:
        assert spec["signature"].required == (rule.signature == "always")
    key = spec.get("idempotency_key")
    assert bool(key and key.required) == rule.idempotency_required


async def test_openapi_documents_every_action_with_the_enforced_schema(sut):
    doc = (await sut.request("GET", "/openapi.json")).json
    for action in ACTIONS:
        op = doc["paths"][f"/v1/actions/{action}"]["post"]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert doc["components"]["schemas"][ref.rsplit("/", 1)[1]] == body_schema(action)
        assert {"400", "401", "403", "404", "409"} <= set(op["responses"])
    for path in ("/v1/parts/{part_id}/stock", "/v1/parts/{part_id}/transactions", "/v1/drift",
                 "/v1/storage/{bucket}/{path}", "/healthz"):
        assert path in doc["paths"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
async def test_arbitrary_bodies_never_answer_5xx(sut, ship, data):
    action = data.draw(st.sampled_from(sorted(ACTIONS)), label="action")
    real = st.sampled_from([str(ship.part.id), str(ship.here.id), str(ship.there.id), 1, 5])
    names = st.sampled_from([*BODIES[action], "junk"])
    body = data.draw(st.dictionaries(names, JSON | real, max_size=7) | JSON, label="body")
    r = await sut.call(ship.manager, action, body)
    assert r.status in (200, 400, 404, 409), (action, body, r.status, r.json)
    assert isinstance(r.json, dict) and r.json.get("error", "ok")
