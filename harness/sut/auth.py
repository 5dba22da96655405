"""Supabase-style access tokens: HS256 JWTs with ``sub``, ``role``, ``aud``, ``exp``.

Verification pins the algorithm list to HS256 (so ``alg: none`` and algorithm
confusion are refused), requires ``sub``/``exp``/``aud``, checks
``aud == role == authenticated`` and that ``sub`` is a UUID.  Anything else is
one answer: 401 ``unauthorized`` — the reason goes to the message, not the code.
"""
from __future__ import annotations

import time
import uuid

import jwt

from harness.db import user_id_of
from harness.sut import ServiceError

ALGORITHM = "HS256"
AUDIENCE = "authenticated"


def mint(user, secret: str, ttl: int = 3600, role: str = "authenticated", **claims) -> str:
    """A token for ``user`` (factory User, UUID or its string); negative ttl = expired."""
    now = int(time.time())
    payload = {"sub": str(user_id_of(user)), "role": role, "aud": AUDIENCE,
               "iat": now, "exp": now + ttl, **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def unauthorized(message: str) -> ServiceError:
    return ServiceError(401, "unauthorized", message)


def verify(token: str, secret: str) -> dict:
    """The claims of a valid token; raises ServiceError(401, 'unauthorized') otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["sub", "exp", "aud"]})
    except jwt.ExpiredSignatureError:
        raise unauthorized("token expired") from None
    except jwt.PyJWTError as exc:
        raise unauthorized(f"invalid token: {type(exc).__name__}") from None
    if claims.get("role") != "authenticated":
        raise unauthorized("token role must be 'authenticated'")
    try:
        claims["sub"] = str(uuid.UUID(str(claims["sub"])))
    except ValueError:
        raise unauthorized("token subject is not a user id") from None
    return claims


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("missing bearer token")
    return token.strip()
