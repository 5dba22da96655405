"""Authentication: only a valid HS256 token for role/aud `authenticated` with a UUID `sub`
gets past the door; everything else is 401 `unauthorized` (and changes nothing)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
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


#: JOSE header parameters a verifier may branch on (RFC 7515 §4.1, RFC 7797): a key id "for the
#: gateway's keys", a key set URL, an embedded key, a certificate, a token type, unencoded payload.
JOSE_HEADERS = ({}, {"kid": "lens-key-1"}, {"jku": "https://keys.example/.well-known/jwks.json"},
                {"jwk": {"kty": "oct", "k": "bGVucw"}}, {"x5u": "https://keys.example/cert.pem"},
                {"x5c": ["bGVucw"]}, {"x5t": "bGVucw"}, {"typ": "at+jwt"}, {"cty": "JWT"},
                {"crit": ["b64"], "b64": False})
#: Algorithms a token may name: the configured one, its siblings, asymmetric ones, none.
JOSE_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "ES256", "PS256", "EdDSA", "none")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(user, alg: str, extra: dict) -> str:
    """A token with valid claims whose signature the configured key did not make: made with the
    key its own header carries (``jwk``, HMAC algorithms), else random bytes (empty for none)."""
    signing = f"{_b64(json.dumps({'alg': alg, 'typ': 'JWT', **extra}).encode())}.{_b64(json.dumps(_claims(user)).encode())}"
    if "jwk" in extra and alg.startswith("HS"):
        key = base64.urlsafe_b64decode(extra["jwk"]["k"] + "==")
        return f"{signing}.{_b64(hmac.new(key, signing.encode(), getattr(hashlib, 'sha' + alg[2:])).digest())}"
    return f"{signing}.{_b64(os.urandom(64)) if alg != 'none' else ''}"


async def test_forged_tokens_are_401_whatever_their_header_says(sut, ship, ledger):
    """Only the configured key makes a token: one whose signature no key made is 401 whatever
    algorithm and header parameters it names (a verifier that skips the check when a `kid`
    says "an asymmetric key, the gateway checked it" lets anyone in), and changes nothing."""
    body = {"part_id": str(ship.part.id), "location_id": str(ship.here.id), "quantity": 1}
    before, let_in = await ledger.snapshot(ship.yacht.id), []
    for alg in JOSE_ALGORITHMS:
        for extra in JOSE_HEADERS:
            r = await sut.call(ship.crew, "consume_part", body, token=_forged(ship.crew, alg, extra))
            if (r.status, r.error) != (401, "unauthorized"):
                let_in.append(f"alg {alg} {extra}: {r.status} {r.error}")
    assert not let_in, f"{len(let_in)} forged tokens were not 401:\n" + "\n".join(let_in[:20])
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
