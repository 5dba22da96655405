"""Reference-only: the reference API's published contract agrees with the one it enforces.

* body specs <-> role model (harness.roles.ACTIONS): a signature field exists unless the
  policy is 'never' and is required iff 'always'; idempotency_key required iff the rule says;
* /openapi.json documents every action with exactly the body schema the validator enforces;
* (the "never a 5xx" fuzzing lives in suites/negative/test_fuzz.py).
"""
from __future__ import annotations

import pytest

from harness.roles import ACTIONS
from harness.sut.bodies import BODIES, body_schema


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
