"""Proof helper for handler defects: the reference API (this worktree's code) served on a free
port over the database in $DSN, tokens minted for the seeded users like `lens-harness token`."""
import os
import uuid
from datetime import UTC, datetime

import httpx

import harness

print("handler code from", harness.__file__)

from harness.config import Settings
from harness.seed import demo_id, user_id
from harness.sut.api import create_app
from harness.sut.auth import mint
from harness.sut.server import serve_in_thread

SECRET = Settings.jwt_secret
app = create_app(os.environ["DSN"], jwt_secret=SECRET)
URL, stop = serve_in_thread(app)
http = httpx.Client(base_url=URL, timeout=30)


def token(who, **claims):
    return mint(user_id(who), secret=SECRET, **claims)


def call(who, action, body, tok=None):
    r = http.post(f"/v1/actions/{action}", json=body,
                  headers={"Authorization": f"Bearer {tok or token(who)}"})
    print(f"{who} {action} -> {r.status_code} {r.text[:300]}")
    return r


def get(who, path, tok=None):
    r = http.get(path, headers={"Authorization": f"Bearer {tok or token(who)}"})
    print(f"{who} GET {path} -> {r.status_code} {r.text[:300]}")
    return r


def sig(who, role, **over):
    s = {"user_id": str(user_id(who)), "role_at_signing": role, "signature_type": "approval",
         "reason": "proof", "signed_at": datetime.now(UTC).isoformat()}
    s.update(over)
    return s


def part(y, p="impeller"):
    return str(demo_id("part", y, p))


def loc(y, l="engine-room-locker"):
    return str(demo_id("location", y, l))


def stock(y, p="impeller"):
    return str(demo_id("stock", y, p, "engine-room-locker"))


def key():
    return f"proof-{uuid.uuid4()}"


def verdict(exploited: bool):
    print("EXPLOITED" if exploited else "REFUSED")
    stop()
