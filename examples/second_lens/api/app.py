"""HTTP layer of the second lens: `POST /v1/actions/execute` with
`{"action", "context": {"yacht_id"}, "payload"}`; answers `{"data": ...}` or
`{"error": {"code", "message"}}` with the statuses of CONTRACT §7. Never a 500 for a malformed
request: every database refusal is mapped by its SQLSTATE / constraint to a contract code.
"""

from __future__ import annotations

import json
import logging
import uuid
from contextlib import asynccontextmanager

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from examples.second_lens.api import actions
from examples.second_lens.api.actions import ActionError

log = logging.getLogger("second_lens")
MAX_BODY = 64 * 1024
SIMPLE = {"consume_part": actions.consume_part, "receive_part": actions.receive_part,
          "add_to_shopping_list": actions.add_to_shopping_list, "transfer_part": actions.transfer_part,
          "write_off_part": actions.write_off_part, "reverse_transaction": actions.reverse_transaction}
# Refusals the database raises, by SQLSTATE (this project's own class SL) or constraint name.
BY_SQLSTATE = {"SL001": (409, "part_deactivated"), "SL002": (400, "invalid_reversal"),
               "SL003": (400, "signature_required"), "SL004": (404, "stock_not_found"),
               "40001": (409, "conflict"), "40P01": (409, "conflict"), "22003": (400, "invalid_quantity")}
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
        if claims.get("role") != "authenticated":
            raise ValueError
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError):
        raise ActionError(401, "unauthorized", "invalid or expired token") from None


async def _envelope(request: Request) -> tuple[str, dict, dict]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ActionError(413, "body_too_large")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
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
        async with request.app.state.pool.acquire() as conn:
            caller = await actions.identify(conn, user_id)
            if not caller.roles & actions.TIER[action]:
                raise ActionError(403, "forbidden", f"role not allowed to {action}")
            if str(context.get("yacht_id")) != str(caller.yacht_id):
                raise ActionError(403, "forbidden", "context.yacht_id is not the caller's yacht")
            try:
                async with conn.transaction():
                    data = await _run(actions.Work(conn, caller), action, payload, request.app.state.threshold)
            except asyncpg.PostgresError as exc:
                status, code = BY_CONSTRAINT.get(getattr(exc, "constraint_name", None) or "") or \
                    BY_SQLSTATE.get(exc.sqlstate) or (500, "internal")
                if status == 500:
                    log.exception("database error on %s", action)
                extra = await _duplicate(conn, caller.yacht_id, payload) if code == "duplicate_request" else {}
                raise ActionError(status, code, type(exc).__name__, **extra) from None
        return JSONResponse({"data": data})
    except ActionError as exc:
        return error(exc.status, exc.code, exc.message, **exc.extra)


async def _run(work: actions.Work, action: str, payload: dict, threshold: int) -> dict:
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
    except ActionError as exc:
        return error(exc.status, exc.code, exc.message, **exc.extra)


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
