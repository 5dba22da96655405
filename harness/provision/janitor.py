"""Template databases: migrate once, clone per test session / xdist worker (pytest-postgresql's
pattern). Cloning a migrated template takes tens of milliseconds; re-running every migration
per worker would take seconds."""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

TEMPLATE_DB = "lens_template"


def _admin(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, autocommit=True)


def _terminate_sessions(conn: psycopg.Connection, dbname: str) -> None:
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [dbname])


def drop_database(admin_dsn: str, dbname: str) -> None:
    with _admin(admin_dsn) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            return
        conn.execute(sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE false ALLOW_CONNECTIONS false").format(sql.Identifier(dbname)))
        _terminate_sessions(conn, dbname)
        conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(dbname)))


def create_database(admin_dsn: str, dbname: str) -> None:
    drop_database(admin_dsn, dbname)
    with _admin(admin_dsn) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def mark_template(admin_dsn: str, dbname: str) -> None:
    with _admin(admin_dsn) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true").format(sql.Identifier(dbname)))
        _terminate_sessions(conn, dbname)


def clone_database(admin_dsn: str, template: str, dbname: str, attempts: int = 20) -> None:
    """CREATE DATABASE ... TEMPLATE; retried because a concurrent clone or a lingering session on
    the template makes PostgreSQL refuse ("source database is being accessed by other users")."""
    drop_database(admin_dsn, dbname)
    stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(dbname), sql.Identifier(template))
    with _admin(admin_dsn) as conn:
        for attempt in range(attempts):
            try:
                conn.execute(stmt)
                return
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise
                _terminate_sessions(conn, template)
                time.sleep(0.05 * (attempt + 1))
