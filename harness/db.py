"""Database access and identity: asyncpg connections and the PostgREST way of acting as a user.

A request on Supabase runs as `BEGIN; SET LOCAL ROLE authenticated; set_config(
'request.jwt.claims', <json>, true); ...; COMMIT`. `as_user()` does exactly that, so RLS is
evaluated as it is in production: the role has neither SUPERUSER nor BYPASSRLS, and
`auth.uid()` reads the claims. Never test isolation as the connecting superuser.
"""

from __future__ import annotations

import json
import uuid
from contextlib import asynccontextmanager

import asyncpg

from harness.errors import HarnessError
from harness.redact import redact_dsn


def user_id_of(user) -> uuid.UUID:
    """Accept a factory User, a UUID or its string."""
    value = getattr(user, "id", user)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def claims_for(user, role: str = "authenticated", **extra) -> dict:
    return {"sub": str(user_id_of(user)), "role": role, "aud": "authenticated", **extra}


async def connect(dsn: str, **kwargs) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(dsn, **kwargs)
    except (OSError, asyncpg.PostgresError, ValueError) as exc:
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(str(exc))[:200]}") from None


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 20) -> asyncpg.Pool:
    try:
        return await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
    except (OSError, asyncpg.PostgresError, ValueError) as exc:
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(str(exc))[:200]}") from None


async def _switch(conn: asyncpg.Connection, role: str, claims: dict | None) -> None:
    await conn.execute(f"SET LOCAL ROLE {role}")
    await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims) if claims else "")


@asynccontextmanager
async def _acting(conn: asyncpg.Connection, role: str, claims: dict | None, commit: bool):
    """A transaction (or a savepoint inside the caller's transaction) running as `role`.

    Rolled back unless `commit`; the connection's role and claims are restored either way, so
    the same owner connection can alternate between users within one test transaction.
    """
    nested = conn.is_in_transaction()
    tx = conn.transaction()
    await tx.start()
    try:
        await _switch(conn, role, claims)
        yield conn
    except BaseException:
        await tx.rollback()
        raise
    if commit:
        await tx.commit()
        if nested:  # a released savepoint keeps SET LOCAL until the outer transaction ends
            await conn.execute("RESET ROLE")
            await conn.execute("SELECT set_config('request.jwt.claims', '', true)")
    else:
        await tx.rollback()


def as_user(conn: asyncpg.Connection, user, *, commit: bool = False, **claims):
    """Act as `user` through `authenticated` + JWT claims (the PostgREST way)."""
    return _acting(conn, "authenticated", claims_for(user, **claims), commit)


def as_service_role(conn: asyncpg.Connection, *, commit: bool = False):
    """Act as Supabase's `service_role` (BYPASSRLS, no user claims): the backend's own key."""
    return _acting(conn, "service_role", {"role": "service_role"}, commit)


async def current_identity(conn: asyncpg.Connection) -> dict:
    """Who the connection is right now: used by tests to prove RLS is not bypassed."""
    row = await conn.fetchrow(
        "SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls, auth.uid() AS uid "
        "FROM pg_roles r WHERE r.rolname = current_user"
    )
    return dict(row)
