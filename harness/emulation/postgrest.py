"""A PostgREST-shaped RPC gateway: the platform a no-Python Supabase team's actions run on.

PostgREST itself is not installable here, so this emulates the part of it such a team relies on,
the way `sql/000_supabase_compat.sql` emulates Supabase's SQL objects. It holds no lens logic:
it is generic over whatever functions the target defines.

* `POST /rest/v1/rpc/{fn}`: the HS256 bearer is verified (harness/sut/auth.py; a missing or bad
  token is 401); `fn` must be a `public` function the `authenticated` role may EXECUTE (else 404,
  PostgREST's PGRST202). A function with one unnamed json/jsonb parameter gets the whole body;
  otherwise the body's keys are its named arguments, cast to the parameter types read from
  pg_proc. One transaction per request, as PostgREST: `role` = authenticated and
  `request.jwt.claims` = the token's claims, local to it; the function's answer is the body.
* Errors are PostgREST's `{"code", "message", "details", "hint"}` with PostgREST's status per
  SQLSTATE (`PT<status>` raised by the function chooses the status itself).
* `PUT|GET /storage/v1/object/{bucket}/{path}`: Supabase Storage's object route, writing and
  reading `storage.objects` as the caller, so the storage policies alone decide.

Two wordings differ from PostgREST's, on purpose: a 401 says `unauthorized` (the reason is in
`details`), and a 404 for an unknown function names no function (PostgREST echoes the schema cache).
"""

from __future__ import annotations

import json
import unicodedata
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.db import create_pool
from harness.sut import ServiceError
from harness.sut.auth import bearer, verify

MAX_BODY = 1_000_000
# The database cannot be reached or went away mid-request: 503, as PostgREST answers (PGRST000/1).
UNAVAILABLE = (OSError, asyncpg.InterfaceError, asyncpg.InternalClientError, asyncpg.PostgresConnectionError,
               asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError)
JSON_TYPES = ("json", "jsonb")
# PostgREST's status per SQLSTATE (most specific first); anything else is 400.
STATUS = (("PT", None), ("42501", 403), ("23503", 409), ("23505", 409), ("25006", 405), ("42883", 404),
          ("42P01", 404), ("P0001", 400), ("08", 503), ("53", 503), ("54", 413), ("0L", 403), ("0P", 403),
          ("28", 403), ("09", 500), ("25", 500), ("2D", 500), ("38", 500), ("39", 500), ("3B", 500), ("40", 500),
          ("55", 500), ("57", 500), ("58", 500), ("F0", 500), ("HV", 500), ("P0", 500), ("XX", 500), ("42P17", 500))
FUNCTIONS = """
SELECT quote_ident(p.proname) AS name, p.proargnames AS names, p.pronargdefaults AS defaults,
       array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t) AS types,
       p.proretset AS set_of, ty.typtype = 'c' OR p.prorettype = 'record'::regtype AS composite
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_type ty ON ty.oid = p.prorettype
WHERE n.nspname = 'public' AND p.proname = $1 AND p.prokind = 'f'
  AND has_function_privilege('authenticated', p.oid, 'EXECUTE')
"""


def status_of(sqlstate: str) -> int:
    for prefix, status in STATUS:
        if sqlstate.startswith(prefix):
            return int(sqlstate[2:]) if prefix == "PT" and sqlstate[2:].isdigit() else (status or 400)
    return 400


def problem(status: int, code: str, message: str, details=None, hint=None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "details": details, "hint": hint}, status_code=status,
                        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def failure(exc: Exception, storage: bool = False) -> JSONResponse:
    """The error answer: 401 for a token, 503 when the database cannot be reached (a client
    retries), else PostgREST's status for the SQLSTATE with the database's message (Storage
    words its own: a policy refusal is `forbidden`, nothing else is explained)."""
    if isinstance(exc, ServiceError):
        return problem(exc.status, "PGRST301", exc.code, exc.message)
    if isinstance(exc, UNAVAILABLE):
        return problem(503, "PGRST000", "database_unavailable", "the database is unavailable, retry")
    code = exc.sqlstate or "XX000"
    if storage:
        return problem(status_of(code), code, "forbidden" if code == "42501" else "the object could not be stored")
    return problem(status_of(code), code, exc.args[0] if exc.args else "", getattr(exc, "detail", None) or None,
                   getattr(exc, "hint", None))


def call_sql(fn: dict, body) -> tuple[str, list] | None:
    """The SELECT calling `fn` with `body` (text parameters cast in SQL, as PostgREST does), or
    None when its arguments do not fit."""
    types = fn["types"]
    names = [n or "" for n in (fn["names"] or [])][:len(types)]
    names += [""] * (len(types) - len(names))  # unnamed parameters
    if len(types) == 1 and not names[0] and types[0] in JSON_TYPES:
        args, values = f"$1::text::{types[0]}", [json.dumps(body)]
    elif isinstance(body, dict) and all(names) and set(body) <= set(names) \
            and set(names[:len(names) - fn["defaults"]]) <= set(body):
        given = [(n, t) for n, t in zip(names, types, strict=True) if n in body]
        args = ", ".join(f'"{n}" => ${i}::text::{t}' for i, (n, t) in enumerate(given, start=1))
        values = [_as_text(body[n], t) for n, t in given]
    else:
        return None
    call = f"public.{fn['name']}({args})"
    if fn["set_of"]:
        return f"SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]'::jsonb)::text FROM {call} r", values
    return (f"SELECT to_jsonb(r)::text FROM {call} r" if fn["composite"] else f"SELECT to_jsonb({call})::text"), values


def _as_text(value, sql_type: str) -> str | None:
    """A JSON value as the text PostgreSQL reads for `sql_type` (json as JSON, true as `true`)."""
    if sql_type in JSON_TYPES or isinstance(value, (dict, list)):
        return json.dumps(value)
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


async def _functions(request: Request, name: str) -> list:
    """The callable overloads of `name`, read once (a run's catalog does not change under it)."""
    cache = request.app.state.functions
    if name not in cache:
        async with request.app.state.pool.acquire() as conn:
            cache[name] = [dict(r) for r in await conn.fetch(FUNCTIONS, name)]
    return cache[name]


@asynccontextmanager
async def as_caller(request: Request):
    """A connection in a transaction acting as the token's `authenticated` user (401 otherwise)."""
    claims = verify(bearer(request.headers.get("authorization")), request.app.state.secret)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)",
                           json.dumps(claims))
        yield conn, claims


async def rpc(request: Request) -> Response:
    """`POST /rest/v1/rpc/{fn}`: the function's answer as the body, or PostgREST's error."""
    try:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return problem(413, "PGRST413", "the request body is too large")
        try:
            body = json.loads(raw or b"{}")
        except (UnicodeDecodeError, ValueError, RecursionError):
            return problem(400, "PGRST102", "the request body is not valid JSON")
        async with as_caller(request) as (conn, _):
            calls = [c for fn in await _functions(request, request.path_params["fn"]) if (c := call_sql(fn, body))]
            if not calls:
                return problem(404, "PGRST202", "no function of that name takes these arguments")
            sql, values = calls[0]
            result = await conn.fetchval(sql, *values)
        return Response(result if result is not None else "null", media_type="application/json")
    except (ServiceError, *UNAVAILABLE, asyncpg.PostgresError) as exc:
        return failure(exc)


def one_name(path: str) -> bool:
    """A decoded object path with one spelling: no leftover `%`, U+FFFD, empty / `.` / `..`
    segment or invisible character (Storage refuses such keys as invalid)."""
    return len(path) <= 1024 and "%" not in path and "\ufffd" not in path and all(
        s not in ("", ".", "..") and s == s.strip() for s in path.split("/")) and all(
        c == " " or unicodedata.category(c)[0] not in "CZ" for c in path)


async def storage(request: Request) -> Response:
    """Storage's object route: the record written or read as the caller under its policies."""
    bucket, name = request.path_params["bucket"], request.path_params["path"]
    try:
        if not one_name(name):
            return problem(400, "InvalidKey", "the object key is not a plain path")
        content = await request.body()
        if len(content) > MAX_BODY:
            return problem(413, "EntityTooLarge", "the object is too large")
        async with as_caller(request) as (conn, claims):
            if request.method == "GET":
                found = await conn.fetchval("SELECT id FROM storage.objects WHERE bucket_id = $1 AND name = $2",
                                            bucket, name)
                if found is None:
                    return problem(404, "not_found", "object not found")
                return JSONResponse({"Id": str(found), "Key": f"{bucket}/{name}"})
            object_id = await conn.fetchval(
                "INSERT INTO storage.objects (bucket_id, name, owner, metadata) VALUES ($1, $2, $3, $4::jsonb) "
                "RETURNING id", bucket, name, claims["sub"],
                json.dumps({"size": len(content), "mimetype": request.headers.get("content-type")}))
        return JSONResponse({"Id": str(object_id), "Key": f"{bucket}/{name}"}, status_code=201)
    except (ServiceError, *UNAVAILABLE, asyncpg.PostgresError) as exc:
        return failure(exc, storage=True)


def create_app(dsn: str, secret: str) -> Starlette:
    """The gateway on the database at `dsn`, trusting tokens signed with `secret`."""

    @asynccontextmanager
    async def lifespan(app):
        app.state.pool = await create_pool(dsn)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = Starlette(routes=[Route("/rest/v1/rpc/{fn}", rpc, methods=["POST"]),
                            Route("/storage/v1/object/{bucket}/{path:path}", storage, methods=["PUT", "GET"])],
                    lifespan=lifespan)
    app.state.secret, app.state.functions = secret, {}
    return app


def serve(dsn: str, secret: str):
    """The gateway in-process on `dsn`: (base URL, stop)."""
    from harness.sut.server import serve_in_thread

    return serve_in_thread(create_app(dsn, secret))
