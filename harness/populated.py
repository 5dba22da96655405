"""Migrations on data (CONTRACT §11.8): the lens migrations applied over a fleet's existing rows.

The gate migrates an empty database, so a backfill that joins by name across yachts (every
stock row of every yacht pointed at the first "Engine Room" found) passed it. Here a database is
built once per run with the history that predates the lens, then data — the user's own
(``--base-data``, e.g. a ``pg_dump --data-only --inserts`` of staging) or the shipped fleet of three
yachts whose names, numbers and locations collide (harness/fleet/legacy_fleet.sql) — then the
lens migrations, with new fleet rows written after every migration file (harness/fleet/steps.py:
a later backfill runs over rows written under the lens schema too); the result is checked
against §11 without knowing what any migration does: no
row references another yacht's row, drift is 0, every unique rule is per yacht (the schema lint's
query, suites/schema/test_privileges.py, on the migrated data).
"""
from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from harness import migrate
from harness.config import Settings
from harness.errors import HarnessError
from harness.fleet import steps
from harness.provision import janitor

LEGACY_FLEET = Path(__file__).parent / "fleet" / "legacy_fleet.sql"

#: Every uuid column of a per-yacht table that could hold another row's id (not the row's own id,
#: its yacht, or a user: a person may hold roles on two yachts), declared a foreign key or not.
_COLUMNS = """
SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname NOT IN ('id', 'yacht_id', 'user_id', 'owner')
  AND a.attname NOT LIKE '%\\_by'
  AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.oid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
ORDER BY 1, 2"""

#: The id of every row of every per-yacht table, with its yacht and table.
_ROWS = """
SELECT string_agg(format('SELECT %L AS tbl, id::text AS id, yacht_id FROM public.%I', c.relname, c.relname), ' UNION ALL ')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped)
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'yacht_id' AND NOT a.attisdropped)"""


class DoesNotApply(Exception):
    """A migration failed over the fleet's data (a defect, §11.8), not the data itself."""


def build(dsn: str, settings: Settings, name: str) -> str:
    """Create database ``name`` on the server of ``dsn`` and migrate it over the pre-lens data;
    returns its DSN. DDL: harness-owned servers only.  A migration that fails on the data raises
    ``DoesNotApply`` (a backfill a reference check refuses); data that does not load stays a
    ``HarnessError`` (could not run)."""
    janitor.create_database(dsn, name)
    target = make_conninfo(dsn, dbname=name)
    data = settings.base_data or LEGACY_FLEET
    try:
        migrate.apply(target, settings.sql_dir, settings.base_schema, data, after=steps.write)
    except HarnessError as exc:
        if str(exc).startswith(f"migration {Path(data).name} failed"):
            raise
        raise DoesNotApply(str(exc).split("\n")[0]) from None
    return target


def yachts(conn: psycopg.Connection) -> int:
    """Yachts holding stock after the migrations: fewer than two and there was nothing to cross."""
    return conn.execute("SELECT count(DISTINCT yacht_id) FROM public.pms_inventory_stock").fetchone()[0]


def foreign_references(conn: psycopg.Connection) -> list[str]:
    """``table.column -> referenced: n rows`` for every column that holds the id of another
    yacht's row (§11.1), after every migration ran.  Followed by value, not by declared key: a
    backfill into a uuid column a later migration added, with no foreign key, crosses all the same."""
    rows = conn.execute(_ROWS).fetchone()[0]
    out = []
    for table, column in conn.execute(_COLUMNS).fetchall() if rows else ():
        found = conn.execute(f'SELECT r.tbl, count(*) FROM public."{table}" c JOIN ({rows}) r ON r.id = c."{column}"::text '
                             "WHERE r.yacht_id IS DISTINCT FROM c.yacht_id GROUP BY r.tbl ORDER BY 1").fetchall()
        out += [f"{table}.{column} -> {referenced}: {n} row(s) on another yacht" for referenced, n in found]
    return out


def drifting(conn: psycopg.Connection) -> int:
    """Active stock rows whose quantity is not their ledger sum (§3, §4)."""
    return conn.execute("SELECT count(*) FROM public.check_inventory_drift()").fetchone()[0]
