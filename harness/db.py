"""Database access and identity: asyncpg connections and the PostgREST way of acting as a user.

A request on Supabase runs as `BEGIN; SET LOCAL ROLE authenticated; set_config(
'request.jwt.claims', <json>, true); ...; COMMIT`. `as_user()` does exactly that, so RLS is
evaluated as it is in production: the role has neither SUPERUSER nor BYPASSRLS, and
`auth.uid()` reads the claims. Never test isolation as the connecting superuser.
"""

from __future__ import annotations

import itertools
import json
import uuid
from contextlib import asynccontextmanager

import asyncpg

from harness.errors import HarnessError
from harness.redact import redact_dsn


#: Prepared statements kept per pooled connection: the surface cells send hundreds of distinct
#: texts, and each one asyncpg forgets costs another parse round trip (asyncpg's default is 100).
STATEMENT_CACHE = 2000


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
        return await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size,
                                         statement_cache_size=STATEMENT_CACHE)
    except (OSError, asyncpg.PostgresError, ValueError) as exc:
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(str(exc))[:200]}") from None


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1): lets a
    role switch travel in one simple-query message instead of a parameterised round trip each."""
    return "'" + text.replace("'", "''") + "'"


def _switch_sql(role: str, claims: dict | None) -> str:
    return (f"SET LOCAL ROLE {role}; "
            f"SELECT set_config('request.jwt.claims', {literal(json.dumps(claims) if claims else '')}, true)")


_savepoints = itertools.count()


@asynccontextmanager
async def _acting(conn: asyncpg.Connection, role: str, claims: dict | None, commit: bool):
    """A transaction (or a savepoint inside the caller's transaction) running as `role`.

    Rolled back unless `commit`; the connection's role and claims are restored either way, so
    the same owner connection can alternate between users within one test transaction.
    On a remote server every round trip costs the network's latency, so the savepoint, the role
    and the claims go in one message, and its end in another (docs/REMOTE.md).
    """
    if not conn.is_in_transaction():
        tx = conn.transaction()  # asyncpg's own, so the caller may nest conn.transaction()
        await tx.start()
        try:
            await conn.execute(_switch_sql(role, claims))
            yield conn
        except BaseException:
            await tx.rollback()
            raise
        await (tx.commit() if commit else tx.rollback())
        return
    name = f"lens_act_{next(_savepoints)}"
    await conn.execute(f"SAVEPOINT {name}; {_switch_sql(role, claims)}")
    try:
        yield conn
    except BaseException:
        await conn.execute(f"ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}")
        raise
    if commit:  # a released savepoint keeps SET LOCAL until the outer transaction ends
        await conn.execute(f"RELEASE SAVEPOINT {name}; RESET ROLE; SELECT set_config('request.jwt.claims', '', true)")
    else:
        await conn.execute(f"ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}")


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
