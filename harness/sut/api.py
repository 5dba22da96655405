"""The reference SUT's HTTP API (Starlette): routes of ARCHITECTURE.md over the service.

The app only does HTTP things: authenticate the bearer token, read a capped body,
parse strict JSON, and turn every ``ServiceError`` into ``{"error", "message"}``
with the contract's status.  Malformed input of any kind is a 4xx with a
specific code; a 500 (``internal``) means a real server fault and is logged.

Given a DSN, the app creates its asyncpg pool on startup, inside the event loop
that serves it (``server.serve_in_thread`` runs uvicorn in its own thread/loop).
Given a pool, it uses it as is (same-loop use, e.g. an in-process ASGI transport).
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.db import create_pool
from harness.roles import ACTIONS
from harness.sut import ServiceError
from harness.sut.auth import bearer, verify
from harness.sut.openapi import openapi_document
from harness.sut.service import InventoryService
from harness.sut.variants import VARIANTS

log = logging.getLogger("harness.sut")

MAX_BODY = 64 * 1024
BODY_TIMEOUT = 10.0


def error_response(exc: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


class GuardMiddleware:
    """Last resort: an unexpected exception becomes a logged 500 ``internal`` JSON answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            log.info("client disconnected during %s %s", scope.get("method"), scope.get("path"))
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await error_response(ServiceError(500, "internal", "internal server error"))(
                    scope, receive, send)


# -- request helpers -----------------------------------------------------------------------

def _user(request: Request) -> str:
    token = bearer(request.headers.get("authorization"))
    service = _service(request)
    return service.caller(verify(token, request.app.state.jwt_secret, service.rules), request.headers)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes, arriving within ``BODY_TIMEOUT`` (a slow sender
    would otherwise hold a worker and a pool slot for as long as it likes)."""
    declared = _service(request).rules.ascii_int(request.headers.get("content-length") or "")
    if declared is not None and declared > limit:
        raise ServiceError(413, "payload_too_large", f"body exceeds {limit} bytes")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(request.app.state.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ServiceError(413, "payload_too_large", f"body exceeds {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise ServiceError(408, "request_timeout",
                           f"the body must arrive within {request.app.state.body_timeout:g} s") from None
    return b"".join(chunks)


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, no duplicate keys, bounded depth."""
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                          parse_float=_finite, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ServiceError(400, "invalid_json", "the body must be one UTF-8 JSON value: no NaN or "
                           "Infinity, no duplicate keys, nested at most 1000 deep") from None


def _uuid_param(request: Request, name: str):
    value = _service(request).rules.uuid(request.path_params[name])
    if value is None:
        raise ServiceError(400, "invalid_uuid", f"{name} must be a UUID (8-4-4-4-12 hex digits)",
                           {"field": name})
    return value


def _service(request: Request) -> InventoryService:
    return request.app.state.service


# -- endpoints -----------------------------------------------------------------------------

async def run_action(request: Request) -> Response:
    user = _user(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise ServiceError(404, "unknown_action", f"the actions are {', '.join(ACTIONS)}")
    body = parse_json(await _read_body(request, request.app.state.max_body))
    if not isinstance(body, dict):
        raise ServiceError(400, "invalid_body", "the body must be a JSON object")
    result = await _service(request).dispatch(action, user, body)
    return JSONResponse({"action": action, **result})


async def part_stock(request: Request) -> Response:
    user = _user(request)
    return JSONResponse(await _service(request).part_stock(user, _uuid_param(request, "part_id")))


async def part_transactions(request: Request) -> Response:
    user = _user(request)
    part_id = _uuid_param(request, "part_id")
    limit = _service(request).rules.ascii_int(request.query_params.get("limit", "200"))
    if limit is None or not 1 <= limit <= 1000:
        raise ServiceError(400, "invalid_query", "limit must be an integer 1-1000 in ASCII digits",
                           {"field": "limit"})
    return JSONResponse(await _service(request).part_transactions(user, part_id, limit))


async def drift(request: Request) -> Response:
    return JSONResponse(await _service(request).drift(_user(request)))


async def storage_object(request: Request) -> Response:
    """PUT stores, GET reads; one route so a 405 names both methods in Allow."""
    user = _user(request)
    bucket, path = request.path_params["bucket"], request.path_params["path"]
    service = _service(request)
    if request.method == "PUT":
        content = await _read_body(request, request.app.state.max_body)
        content_type = request.headers.get("content-type", "application/octet-stream")[:200]
        result = await service.put_object(user, bucket, path, content, content_type)
        return JSONResponse(result, status_code=201)
    content, media_type, headers = await service.get_object(user, bucket, path)
    return Response(content, media_type=media_type, headers=headers)


async def healthz(request: Request) -> Response:
    try:
        await request.app.state.service.pool.fetchval("SELECT 1")
    except Exception:
        log.warning("health check failed", exc_info=True)
        return JSONResponse({"status": "unavailable", "error": "database_unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "variant": request.app.state.service.variant})


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


# -- exception handlers --------------------------------------------------------------------

async def _service_error(request: Request, exc: ServiceError) -> Response:
    if exc.status >= 500:
        log.error("%s %s -> %s", request.method, request.url.path, exc)
    return error_response(exc)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    code = codes.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal")
    response = error_response(ServiceError(exc.status_code, code))
    response.headers.update(exc.headers or {})   # e.g. Allow on a 405
    return response


def create_app(pool_or_dsn, *, jwt_secret: str, variant: str = "reference",
               large_adjust_threshold: int = 10, pool_size: int = 20,
               max_body: int = MAX_BODY, body_timeout: float = BODY_TIMEOUT, **variant_options) -> Starlette:
    """The reference API over a DSN (pool made on startup) or an existing pool."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown SUT variant {variant!r}; choose one of {sorted(VARIANTS)}")
    if not jwt_secret:
        raise ValueError("a JWT secret is required")

    @asynccontextmanager
    async def lifespan(app: Starlette):
        owned = isinstance(pool_or_dsn, str)
        pool = await create_pool(pool_or_dsn, max_size=pool_size) if owned else pool_or_dsn
        app.state.service = VARIANTS[variant](
            pool, large_adjust_threshold=large_adjust_threshold, **variant_options)
        try:
            yield
        finally:
            if owned:
                await pool.close()

    routes = [
        Route("/v1/actions/{action}", run_action, methods=["POST"]),
        Route("/v1/parts/{part_id}/stock", part_stock, methods=["GET"]),
        Route("/v1/parts/{part_id}/transactions", part_transactions, methods=["GET"]),
        Route("/v1/drift", drift, methods=["GET"]),
        Route("/v1/storage/{bucket}/{path:path}", storage_object, methods=["GET", "PUT"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(GuardMiddleware)],
                    exception_handlers={ServiceError: _service_error, HTTPException: _http_error})
    app.state.jwt_secret = jwt_secret
    app.state.max_body = max_body
    app.state.body_timeout = body_timeout if VARIANTS[variant].body_read_timeout else None
    app.state.header_read_timeout = VARIANTS[variant].header_read_timeout
    return app
