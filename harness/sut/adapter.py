"""The one seam through which suites reach a system under test: HTTP + token minting.

Suites never import the service; they hold a ``SutClient`` (base URL + a function
that mints a bearer token for a factory user), so the same tests run against
the in-process reference API, the naive variant, or a user's own API
(``--lens-api-url``).  httpx clients are bound to an event loop, so one is kept
per running loop.
"""
from __future__ import annotations

import asyncio
import json as jsonlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.db import user_id_of


@dataclass(frozen=True)
class Response:
    status: int
    json: Any
    headers: dict = field(default_factory=dict, repr=False)
    content: bytes = field(default=b"", repr=False)

    @property
    def error(self) -> str | None:
        return self.json.get("error") if isinstance(self.json, dict) else None


def signature_for(user, reason: str = "verified by harness", *, role: str | None = None,
                  signature_type: str = "approval") -> dict:
    """A well-formed signature by ``user`` (signing in their factory role by default)."""
    return {"user_id": str(user_id_of(user)), "role_at_signing": role or user.role,
            "signature_type": signature_type, "reason": reason,
            "signed_at": datetime.now(UTC).isoformat()}


#: Seconds an idle client connection is kept for reuse: below common server keep-alive timeouts.
KEEPALIVE_EXPIRY = 1.0


class SutClient:
    def __init__(self, base_url: str, token_minter: Callable[[Any], str], *,
                 timeout: float = 30.0, max_connections: int = 200):
        self.base_url = base_url.rstrip("/")
        self._mint = token_minter
        self._timeout = timeout
        # an idle connection is dropped before a server would close it (uvicorn: 5 s, the reference's
        # keep-alive): reusing one the server is closing at that instant fails with ReadError on a
        # request the server never read (seen under load as an "unanswered" op in the stress tests)
        self._limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections,
                                    keepalive_expiry=KEEPALIVE_EXPIRY)
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def token(self, user) -> str:
        return self._mint(user)

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx.AsyncClient(base_url=self.base_url, timeout=self._timeout, limits=self._limits)
            self._clients[loop] = client
        return client

    async def request(self, method: str, path: str, *, user=None, token: str | None = None,
                      json: Any = None, content: bytes | str | None = None,
                      headers: dict | None = None) -> Response:
        """Any request; ``user`` mints a token, ``token`` sends one as is, neither sends none."""
        hdrs = dict(headers or {})
        bearer = token if token is not None else (self.token(user) if user is not None else None)
        if bearer is not None:
            hdrs.setdefault("Authorization", f"Bearer {bearer}")
        if json is not None:
            content, hdrs["Content-Type"] = jsonlib.dumps(json), "application/json"
        resp = await self._client().request(method, path, content=content, headers=hdrs)
        try:
            payload = resp.json()
        except ValueError:
            payload = None
        return Response(resp.status_code, payload, dict(resp.headers), resp.content)

    async def call(self, user, action: str, body: Any) -> Response:
        return await self.request("POST", f"/v1/actions/{action}", user=user, json=body)

    async def get(self, user, path: str) -> Response:
        return await self.request("GET", path, user=user)

    async def put_object(self, user, bucket: str, path: str, content: bytes,
                         content_type: str = "application/octet-stream") -> Response:
        return await self.request("PUT", f"/v1/storage/{bucket}/{path}", user=user,
                                  content=content, headers={"Content-Type": content_type})

    async def get_object(self, user, bucket: str, path: str) -> Response:
        return await self.request("GET", f"/v1/storage/{bucket}/{path}", user=user)

    async def aclose(self) -> None:
        for client in list(self._clients.values()):
            await client.aclose()
        self._clients.clear()
