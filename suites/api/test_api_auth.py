"""Authentication: only a valid HS256 token for role/aud `authenticated` with a UUID `sub`
gets past the door; everything else is 401 `unauthorized` (and changes nothing)."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest

from harness.sut.auth import mint

pytestmark = pytest.mark.api


def _claims(user, **over) -> dict:
    now = int(time.time())
    return {"sub": str(user.id), "role": "authenticated", "aud": "authenticated",
            "iat": now, "exp": now + 600, **over}


#: Secrets a deployment may still accept besides its own: the defaults every Supabase project and
#: tutorial starts from, and near misses of the real one (a handler that trims, lower-cases or
#: compares a prefix).  Only the configured secret may verify a token.
WELL_KNOWN = ("super-secret-jwt-token-with-at-least-32-characters-long",
              "your-super-secret-jwt-token-with-at-least-32-characters-long", "secret", "changeme", "jwt-secret")


def _near_misses(secret: str) -> list[str]:
    return [secret[:-1], secret[: len(secret) // 2], f" {secret}", f"{secret} ",
            secret.swapcase() if secret.swapcase() != secret else f"{secret}x"]


def _bad_tokens(user, secret: str) -> dict[str, str]:
    without_sub = _claims(user)
    del without_sub["sub"]
    without_exp = _claims(user)
    del without_exp["exp"]
    return {
        "expired": mint(user, secret=secret, ttl=-60),
        "wrong signature": mint(user, secret=secret + "-not-it"),
        "alg none": jwt.encode(_claims(user), key=None, algorithm="none"),
        "HS512": jwt.encode(_claims(user), secret, algorithm="HS512"),
        "missing sub": jwt.encode(without_sub, secret, algorithm="HS256"),
        "missing exp": jwt.encode(without_exp, secret, algorithm="HS256"),
        "sub not a uuid": jwt.encode(_claims(user, sub="deckhand"), secret, algorithm="HS256"),
        "aud anon": jwt.encode(_claims(user, aud="anon"), secret, algorithm="HS256"),
        "role anon": jwt.encode(_claims(user, role="anon"), secret, algorithm="HS256"),
        "garbage": "not.a.jwt",
        **{f"well-known secret {n}": mint(user, secret=key) for n, key in enumerate(WELL_KNOWN)},
        **{f"near miss {n}": mint(user, secret=key) for n, key in enumerate(_near_misses(secret))},
    }


CASES = ["expired", "wrong signature", "alg none", "HS512", "missing sub", "missing exp",
         "sub not a uuid", "aud anon", "role anon", "garbage",
         *(f"well-known secret {n}" for n in range(len(WELL_KNOWN))), *(f"near miss {n}" for n in range(5))]


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("case", CASES)
async def test_bad_tokens_are_401(sut, ship, ledger, lens_settings, case):
    token = _bad_tokens(ship.crew, lens_settings.jwt_secret)[case]
    body = {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 1}
    before = await ledger.snapshot(ship.yacht.id)
    r = await sut.call(ship.crew, "consume_part", body, token=token)
    assert (r.status, r.error) == (401, "unauthorized"), r.json
    assert await ledger.snapshot(ship.yacht.id) == before


@pytest.mark.parametrize("header", [None, "", "Bearer", "Token abc", "Basic dXNlcjpwYXNz"])
async def test_missing_or_malformed_authorization_is_401(sut, ship, header, lens_binding):
    headers = {} if header is None else {"Authorization": header}
    answers = [await sut.call(None, "consume_part", {}, headers=headers)]
    if lens_binding.reference:  # the reference's read routes (not part of CONTRACT §7)
        answers += [await sut.request("GET", path, headers=headers) for path in ("/v1/drift", f"/v1/parts/{ship.part.id}/stock")]
    for r in answers:
        assert (r.status, r.error) == (401, "unauthorized"), r.json
        assert r.headers.get("www-authenticate", "").lower().startswith("bearer")


async def test_valid_token_for_a_user_without_profile_is_403(sut, ship):
    r = await sut.call(uuid.uuid4(), "consume_part",
                       {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 1})
    assert (r.status, r.error) == (403, "forbidden")
