"""Supabase-style access tokens: HS256 JWTs with ``sub``, ``role``, ``aud``, ``exp``.

Verification pins the algorithm list to HS256 (so ``alg: none`` and algorithm
confusion are refused), requires ``sub``/``exp``/``aud``, checks
``aud == role == authenticated`` and that ``sub`` is a UUID.  Anything else is
one answer: 401 ``unauthorized`` — the reason goes to the message, not the code.
"""
from __future__ import annotations

import time

import jwt

from harness.db import user_id_of
from harness.sut import ServiceError
from harness.sut.rules import STRICT, InputRules

ALGORITHM = "HS256"
AUDIENCE = "authenticated"


def mint(user, secret: str, ttl: int = 3600, role: str = "authenticated", **claims) -> str:
    """A token for ``user`` (factory User, UUID or its string); negative ttl = expired; a claim
    given as None is left out (e.g. ``sub=None``: a token that names nobody)."""
    now = int(time.time())
    payload = {"sub": str(user_id_of(user)), "role": role, "aud": AUDIENCE,
               "iat": now, "exp": now + ttl, **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm=ALGORITHM)


def unauthorized(message: str) -> ServiceError:
    return ServiceError(401, "unauthorized", message)


RULE = ("the bearer token must be an unexpired HS256 JWT signed with the project's secret, "
        "with aud and role 'authenticated', a numeric exp and a user id (UUID) as sub")


def verify(token: str, secret: str, rules: InputRules = STRICT) -> dict:
    """The claims of a valid token; raises ServiceError(401, 'unauthorized') otherwise.

    PyJWT converts a string ``exp`` with ``int()``; RFC 7519 says NumericDate, so the
    claims' types are checked here too.  The message states the rule, never PyJWT's
    exception class."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["sub", "exp", "aud"]})
    except jwt.ExpiredSignatureError:
        raise unauthorized("the bearer token has expired") from None
    except jwt.PyJWTError:
        raise unauthorized(RULE) from None
    sub = rules.uuid(claims.get("sub"))
    if claims.get("role") != "authenticated" or sub is None or not rules.numeric_claims(claims):
        raise unauthorized(RULE)
    return {**claims, "sub": str(rules.subject(claims, sub))}


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("missing bearer token")
    return token.strip()
