"""Helpers of the handler proofs: the reference HTTP API (harness/sut) in process over a seeded
database, tokens of the seeded users (harness/seed.py), and the verdict line."""
import json
import sys
import warnings
from datetime import UTC, datetime

warnings.filterwarnings("ignore")
from starlette.testclient import TestClient  # noqa: E402

from harness.seed import demo_id, user_id  # noqa: E402
from harness.sut.api import create_app  # noqa: E402
from harness.sut.auth import mint  # noqa: E402

SECRET = "red-team-proofs-secret-at-least-32-bytes"
DSN = sys.argv[1]


def api():
    return TestClient(create_app(DSN, jwt_secret=SECRET), raise_server_exceptions=False)


def tok(handle, **claims):
    return mint(user_id(handle), SECRET, **claims)


def hdr(handle, **claims):
    return {"Authorization": f"Bearer {tok(handle, **claims)}"}


def part(key, y="a"):
    return str(demo_id("part", y, key))


def loc(name="engine-room-locker", y="a"):
    return str(demo_id("location", y, name))


def stock(key, y="a"):
    return str(demo_id("stock", y, key, "engine-room-locker"))


def sig(handle, role, **over):
    s = {"user_id": str(user_id(handle)), "role_at_signing": role, "signature_type": "approval",
         "reason": "red team", "signed_at": datetime.now(UTC).isoformat()}
    s.update(over)
    return s


def post(c, action, handle, body, **claims):
    r = c.post(f"/v1/actions/{action}", headers=hdr(handle, **claims), content=json.dumps(body))
    print(action, handle, r.status_code, r.text[:300])
    return r


def verdict(exploited, why=""):
    print(("EXPLOITED" if exploited else "REFUSED") + (f": {why}" if why else ""))
