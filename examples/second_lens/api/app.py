"""HTTP layer of the second lens: `POST /v1/actions/execute` with
`{"action", "context": {"yacht_id"}, "payload"}`; answers `{"data": ...}` or
`{"error": {"code", "message"}}` with the statuses of CONTRACT §7. Never a 500 for a malformed
request: every database refusal is mapped by its SQLSTATE / constraint to a contract code.
"""

from __future__ import annotations

import json
import logging
import unicodedata
import uuid
from contextlib import asynccontextmanager

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import actions
from .actions import ActionError

log = logging.getLogger("second_lens")
MAX_BODY = 64 * 1024
SIMPLE = {"consume_part": actions.consume_part, "receive_part": actions.receive_part,
          "add_to_shopping_list": actions.add_to_shopping_list, "transfer_part": actions.transfer_part,
          "write_off_part": actions.write_off_part, "reverse_transaction": actions.reverse_transaction}
# Refusals the database raises, by SQLSTATE (this project's own class SL) or constraint name.
BY_SQLSTATE = {"SL001": (409, "part_deactivated"), "SL002": (400, "invalid_reversal"),
               "SL003": (400, "signature_required"), "SL005": (400, "signature_invalid"), "SL004": (404, "stock_not_found"),
               "40001": (409, "conflict"), "40P01": (409, "conflict"), "22003": (400, "invalid_quantity"),
               "57014": (503, "timeout")}
# SQLSTATE classes: bad data that slipped past validation is the caller's (400); a lost or
# refused connection (08), an operator shutdown (57P) are the database's, and retryable (503).
BY_CLASS = {"22": (400, "invalid_body"), "08": (503, "database_unavailable"), "57": (503, "database_unavailable")}
# The connection died under the request (InternalClientError: a protocol left mid-operation by it).
UNAVAILABLE = (asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)
BY_CONSTRAINT = {"sl_ledger_one_key_per_yacht": (409, "duplicate_request"),
                 "sl_ledger_reversed_once": (409, "already_reversed"),
                 "sl_ledger_distinct_ends": (400, "invalid_transfer")}


def error(status: int, code: str, message: str = "", **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message or code, **extra}}, status_code=status,
                        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def _caller(request: Request) -> uuid.UUID:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ActionError(401, "unauthorized", "missing bearer token")
    try:
        claims = jwt.decode(token, request.app.state.secret, algorithms=["HS256"], audience="authenticated",
                            options={"require": ["sub", "exp"]})
        # PyJWT casts a string exp; RFC 7519 says NumericDate. The id must be spelled canonically.
        numeric = all(type(claims[k]) in (int, float) for k in ("exp", "iat", "nbf") if k in claims)
        if claims.get("role") != "authenticated" or not numeric or not actions.CANONICAL_UUID.fullmatch(str(claims["sub"])):
            raise ValueError
        return uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        raise ActionError(401, "unauthorized", "invalid or expired token") from None


async def _envelope(request: Request) -> tuple[str, dict, dict]:
    try:
        raw = await request.body()
    except ClientDisconnect:  # the client gave up mid-body: nobody reads this answer, but it is no 500
        raise ActionError(400, "incomplete_body") from None
    if len(raw) > MAX_BODY:
        raise ActionError(413, "body_too_large")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser recurses
        raise ActionError(400, "invalid_json") from None
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        raise ActionError(400, "invalid_envelope", "expected {action, context, payload}")
    context, payload = body.get("context", {}), body.get("payload", {})
    if not isinstance(context, dict):
        raise ActionError(400, "invalid_envelope", "context must be an object")
    if not isinstance(payload, dict):
        raise ActionError(400, "invalid_body", "payload must be an object")
    return body["action"], context, payload


async def _duplicate(conn: asyncpg.Connection, yacht: uuid.UUID, payload: dict) -> dict:
    original = await conn.fetchval("SELECT id FROM pms_inventory_transactions WHERE yacht_id = $1 "
                                   "AND idempotency_key = $2", yacht, payload.get("idempotency_key"))
    return {"transaction_id": str(original)} if original else {}


async def execute(request: Request) -> JSONResponse:
    try:
        user_id = _caller(request)
        action, context, payload = await _envelope(request)
        if action not in actions.TIER:
            raise ActionError(404, "unknown_action")
        return JSONResponse({"data": await _execute(request, user_id, action, context, payload)})
    except ValueError:  # asyncpg refused to encode an argument (its client-side DataError)
        return error(400, "invalid_body", "a value cannot be stored")
    except UNAVAILABLE:
        log.warning("database connection lost", exc_info=True)
        return error(503, "database_unavailable", "the database is unavailable, retry")
    except asyncpg.PostgresError as exc:  # raised before the action ran: e.g. no connection while it restarts
        status, code = _refusal(exc)
        return error(status, code, code.replace("_", " "))
    except ActionError as exc:
        return error(exc.status, exc.code, exc.message, **exc.extra)


def _refusal(exc: asyncpg.PostgresError) -> tuple[int, str]:
    return (BY_CONSTRAINT.get(getattr(exc, "constraint_name", None) or "") or BY_SQLSTATE.get(exc.sqlstate)
            or BY_CLASS.get((exc.sqlstate or "")[:2]) or (500, "internal"))


async def _execute(request: Request, user_id, action: str, context: dict, payload: dict) -> dict:
    async with request.app.state.pool.acquire() as conn:
        try:
            caller = await actions.identify(conn, user_id)
            if not caller.roles & actions.TIER[action]:
                raise ActionError(403, "forbidden", f"role not allowed to {action}")
            if str(context.get("yacht_id")) != str(caller.yacht_id):
                raise ActionError(403, "forbidden", "context.yacht_id is not the caller's yacht")
            async with conn.transaction():
                return await _run(actions.Work(conn, caller), action, payload, request.app.state.threshold)
        except asyncpg.PostgresError as exc:
            status, code = _refusal(exc)
            if status == 500:
                log.exception("database error on %s", action)
            extra = await _duplicate(conn, caller.yacht_id, payload) if code == "duplicate_request" else {}
            raise ActionError(status, code, code.replace("_", " "), **extra) from None


async def _run(work: actions.Work, action: str, payload: dict, threshold: int) -> dict:
    actions.known_fields(action, payload)
    if action in SIMPLE:
        return await SIMPLE[action](work, payload)
    if action == "adjust_stock_quantity":
        return await actions.adjust_stock_quantity(work, payload, threshold)
    return await actions.set_active(work, payload, active=action == "reactivate_part")


async def storage(request: Request) -> JSONResponse:
    """PUT/GET /v1/storage/{bucket}/{path}: object records written and read AS THE CALLER (role
    authenticated with its JWT claims), so the storage policies alone decide (CONTRACT §5)."""
    try:
        user_id = _caller(request)
        bucket, name = request.path_params["bucket"], request.path_params["path"]
        if not one_name(name):
            raise ActionError(400, "invalid_path", "an object has one plain name: no empty, . or .. segment, no escapes")
        size = len(await request.body())
        if size > MAX_BODY:
            raise ActionError(413, "body_too_large")
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL ROLE authenticated")
            await conn.execute("SELECT set_config('request.jwt.claims', $1, true)",
                               json.dumps({"sub": str(user_id), "role": "authenticated"}))
            if request.method == "GET":
                row = await conn.fetchrow("SELECT id, metadata FROM storage.objects WHERE bucket_id = $1 AND name = $2",
                                          bucket, name)
                if row is None:
                    raise ActionError(404, "object_not_found")
                return JSONResponse({"data": {"id": str(row["id"]), "bucket": bucket, "path": name}})
            try:
                object_id = await conn.fetchval(
                    "INSERT INTO storage.objects (bucket_id, name, owner, metadata) VALUES ($1, $2, $3, $4::jsonb) "
                    "RETURNING id", bucket, name, user_id,
                    json.dumps({"size": size, "mimetype": request.headers.get("content-type")}))
            except asyncpg.InsufficientPrivilegeError:
                raise ActionError(403, "forbidden", "denied by the storage policies") from None
            except (asyncpg.UniqueViolationError, asyncpg.ForeignKeyViolationError, asyncpg.DataError):
                raise ActionError(409, "conflict", "object exists or bucket unknown") from None
        return JSONResponse({"data": {"id": str(object_id), "bucket": bucket, "path": name}}, status_code=201)
    except UNAVAILABLE:
        return error(503, "database_unavailable", "the database is unavailable, retry")
    except ActionError as exc:
        return error(exc.status, exc.code, exc.message, **exc.extra)


def one_name(path: str) -> bool:
    """The decoded path names one object only: a `%` left over (a second encoding), U+FFFD (an
    invalid escape), an empty / `.` / `..` segment or an invisible character would give it another."""
    segments = path.split("/")
    return len(path) <= 1024 and "%" not in path and "\ufffd" not in path and all(
        s not in ("", ".", "..") and s == s.strip() for s in segments) and all(
        c == " " or unicodedata.category(c)[0] not in "CZ" for c in path)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(dsn: str, secret: str, threshold: int = 10) -> Starlette:
    @asynccontextmanager
    async def lifespan(app):
        app.state.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=20)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = Starlette(routes=[Route("/v1/actions/execute", execute, methods=["POST"]),
                            Route("/v1/storage/{bucket}/{path:path}", storage, methods=["PUT", "GET"]),
                            Route("/health", health)],
                    lifespan=lifespan)
    app.state.secret, app.state.threshold = secret, threshold
    return app
