"""Migrations on data (CONTRACT §11.8): the lens migrations applied over a fleet's existing rows.

The gate migrates an empty database, so a backfill that joins by name across yachts (every
stock row of every yacht pointed at the first "Engine Room" found) passed it. Here a database is
built once per run with the history that predates the lens, then data — the user's own
(``--base-data``, e.g. a ``pg_dump --data-only --inserts`` of staging) or the shipped fleet of three
yachts whose names, numbers and locations collide (harness/fleet/legacy_fleet.sql) — then the
lens migrations; the result is checked against §11 without knowing what any migration does: no
row references another yacht's row, drift is 0, every unique rule is per yacht (the schema lint's
query, suites/schema/test_privileges.py, on the migrated data).
"""
from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from harness import migrate
from harness.config import Settings
from harness.provision import janitor

LEGACY_FLEET = Path(__file__).parent / "fleet" / "legacy_fleet.sql"

#: Every single-column foreign key between two per-yacht tables: (table, column, referenced).
_REFERENCES = """
SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.connamespace = 'public'::regnamespace
  AND a.attname <> 'yacht_id'
  AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.conrelid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
  AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.confrelid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
ORDER BY 1, 2"""

def build(dsn: str, settings: Settings, name: str) -> str:
    """Create database ``name`` on the server of ``dsn`` and migrate it over the pre-lens data;
    returns its DSN. DDL: harness-owned servers only."""
    janitor.create_database(dsn, name)
    target = make_conninfo(dsn, dbname=name)
    migrate.apply(target, settings.sql_dir, settings.base_schema, settings.base_data or LEGACY_FLEET)
    return target


def yachts(conn: psycopg.Connection) -> int:
    """Yachts holding stock after the migrations: fewer than two and there was nothing to cross."""
    return conn.execute("SELECT count(DISTINCT yacht_id) FROM public.pms_inventory_stock").fetchone()[0]


def foreign_references(conn: psycopg.Connection) -> list[str]:
    """``table.column -> referenced: n rows`` for every foreign key that points a row at a row of
    another yacht (§11.1)."""
    out = []
    for table, column, referenced in conn.execute(_REFERENCES).fetchall():
        n = conn.execute(f'SELECT count(*) FROM {table} c JOIN {referenced} r ON r.id = c."{column}" '
                         "WHERE r.yacht_id IS DISTINCT FROM c.yacht_id").fetchone()[0]
        if n:
            out.append(f"{table}.{column} -> {referenced}: {n} row(s) on another yacht")
    return out


def drifting(conn: psycopg.Connection) -> int:
    """Active stock rows whose quantity is not their ledger sum (§3, §4)."""
    return conn.execute("SELECT count(*) FROM public.check_inventory_drift()").fetchone()[0]
