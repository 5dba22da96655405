"""Bearer tokens for the API under test, three ways (an API profile's `auth.kind`):

* `hs256`: minted here with the project's legacy JWT secret (`--jwt-secret` / LENS_JWT_SECRET),
  `sub` = the factory user, `role` = `aud` = authenticated, as Supabase Auth signs them;
* `password`: Supabase Auth's password grant, `POST <url>/auth/v1/token?grant_type=password`
  with the anon key, for per-role users (projects signing with asymmetric keys cannot be
  minted for, so a real user signs in); the token is cached until shortly before it expires;
* `static`: tokens handed in per role through the environment (LENS_TOKEN_<ROLE>).

Secrets and passwords come only from the environment and never appear in an error message.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping

import httpx

from harness.errors import HarnessError

KINDS = ("hs256", "password", "static")


def _role_of(user) -> str:
    role = getattr(user, "role", None)
    if not role:
        raise HarnessError("password and static tokens are per role: the caller must be a factory user with a role")
    return role.upper()


class StaticTokens:
    """LENS_TOKEN_<ROLE> (e.g. LENS_TOKEN_CHIEF_ENGINEER) holds the bearer token of that role."""

    def __init__(self, env: Mapping[str, str], prefix: str = "LENS_TOKEN_"):
        self.env, self.prefix = env, prefix

    def __call__(self, user) -> str:
        name = self.prefix + _role_of(user)
        token = self.env.get(name)
        if not token:
            raise HarnessError(f"no static token for role {getattr(user, 'role', '?')}: set {name}")
        return token


class PasswordGrant:
    """Signs per-role users in: LENS_USER_<ROLE>_EMAIL / LENS_USER_<ROLE>_PASSWORD, the anon key in
    LENS_SUPABASE_ANON_KEY, the project in LENS_SUPABASE_URL."""

    def __init__(self, env: Mapping[str, str], margin: float = 30.0):
        self.env, self.margin = env, margin
        self.url = (env.get("LENS_SUPABASE_URL") or "").rstrip("/")
        self.anon_key = env.get("LENS_SUPABASE_ANON_KEY")
        if not self.url or not self.anon_key:
            raise HarnessError("the password grant needs LENS_SUPABASE_URL and LENS_SUPABASE_ANON_KEY")
        self._cache: dict[str, tuple[str, float]] = {}

    def __call__(self, user) -> str:
        role = _role_of(user)
        cached = self._cache.get(role)
        if cached and cached[1] > time.time():
            return cached[0]
        email, password = self.env.get(f"LENS_USER_{role}_EMAIL"), self.env.get(f"LENS_USER_{role}_PASSWORD")
        if not email or not password:
            raise HarnessError(f"no user for role {role.lower()}: set LENS_USER_{role}_EMAIL and LENS_USER_{role}_PASSWORD")
        try:
            answer = httpx.post(f"{self.url}/auth/v1/token", params={"grant_type": "password"},
                                headers={"apikey": self.anon_key, "Content-Type": "application/json"},
                                json={"email": email, "password": password}, timeout=15)
        except httpx.HTTPError as exc:
            raise HarnessError(f"password grant at {self.url} failed: {type(exc).__name__}") from None
        body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
        if answer.status_code != 200 or "access_token" not in body:
            reason = body.get("error_description") or body.get("msg") or body.get("error") or answer.reason_phrase
            raise HarnessError(f"password grant for {email} refused ({answer.status_code}): {reason}")
        self._cache[role] = (body["access_token"], time.time() + float(body.get("expires_in", 3600)) - self.margin)
        return body["access_token"]


def minter(kind: str, jwt_secret: str, env: Mapping[str, str] | None = None) -> Callable[[object], str]:
    """user -> bearer token, for a profile's auth kind."""
    env = os.environ if env is None else env
    if kind == "hs256":
        return forger(kind, jwt_secret)
    if kind == "static":
        return StaticTokens(env)
    if kind == "password":
        return PasswordGrant(env)
    raise HarnessError(f"unknown auth kind {kind!r}: choose one of {', '.join(KINDS)}")


def forger(kind: str, jwt_secret: str) -> Callable[..., str]:
    """``(user, ttl=, role=, **claims) -> token`` with claims of the harness's choosing (CONTRACT
    §11.4's forged, expired and sub-less tokens): only for `hs256`, as a password grant or a
    static token carries what its issuer put in it."""
    if kind != "hs256":
        raise HarnessError(f"forged tokens need the project's JWT secret (auth kind hs256); this API's is {kind}")
    from harness.sut.auth import mint

    return functools.partial(mint, secret=jwt_secret)
