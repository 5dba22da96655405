"""Migration runner: compat layer, base schema, then the migration files, each in one transaction.

Every file is recorded with a sha256 in `lens_harness.schema_migrations`; re-running is a no-op
and a recorded file whose content changed is an error (a later fix gets a later version, as on
every migration tool). On a real Supabase project the CLI's own history,
`supabase_migrations.schema_migrations(version, name)`, counts as applied too, and what the
harness applies is recorded there as well, so `supabase db push` and the gate agree.

Real migration histories rarely replay from an empty database: the project's Supabase compat
layer is applied first when the Supabase objects are missing (whatever `--sql-dir` is), and a
`--base-schema` file (`pg_dump --schema-only` of production) is applied before the files.
A failing file is reported with the statement, its line and the likely fix.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

from harness.errors import HarnessError
from harness.migration_files import Migration, discover, file_migration, line_of, migrations_dir, statement_at, statements
from harness.redact import redact_dsn

__all__ = ["Migration", "apply", "discover", "migrations_dir", "status"]

LEDGER_SCHEMA = "lens_harness"
SUPABASE_HISTORY = "supabase_migrations.schema_migrations"
COMPAT_FILE = "000_supabase_compat.sql"
BASE_VERSION = "base-schema"
BASE_DATA_VERSION = "base-data"
#: CONTRACT §9: the lens migrations start at 300; pre-lens data goes before the first of them (a
#: Supabase CLI history numbers by timestamp, so there it goes after the base schema).
LENS_FIRST_VERSION = 300
_CREATE_LEDGER = f"""
CREATE SCHEMA IF NOT EXISTS {LEDGER_SCHEMA};
CREATE TABLE IF NOT EXISTS {LEDGER_SCHEMA}.schema_migrations (
    version     text PRIMARY KEY,
    name        text NOT NULL,
    sha256      text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL
)"""
_SUPABASE_PRESENT = """
SELECT to_regprocedure('auth.uid()') IS NOT NULL AND to_regclass('storage.objects') IS NOT NULL
   AND (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')) = 3"""
# pg_dump >= 17.6 / 16.10 / 15.14 brackets its output with these psql meta-commands; they carry no schema.
_DUMP_META = re.compile(r"^\\(un)?restrict\b.*$", re.MULTILINE)

_FIXES = {
    "42P01": "an object it uses does not exist yet: give the schema your history assumes with --base-schema FILE "
             "(pg_dump --schema-only of production), or add the migration that creates it before this one",
    "42703": "a column it uses does not exist: the base schema (--base-schema) or an earlier migration must add it",
    "42883": "a function it calls does not exist with those argument types: create it earlier or fix the call",
    "42704": "a role, type or other object it names does not exist: create it earlier (or in --base-schema)",
    "3F000": "a schema it uses does not exist: create it earlier (or in --base-schema)",
    "42P07": "the object already exists (from --base-schema, the compat layer or an earlier file): use IF NOT EXISTS / "
             "CREATE OR REPLACE, or drop it from the base schema",
    "42710": "the object already exists: guard it with IF NOT EXISTS or drop it from the base schema",
    "42723": "the function already exists: use CREATE OR REPLACE FUNCTION",
    "42601": "a syntax error: fix the statement at that line",
    "42501": "the migrating role lacks a privilege: run as the database owner or grant it first",
    "2BP01": "other objects depend on it: drop or alter the dependants first (or CASCADE deliberately)",
}


def _fix(sqlstate: str | None) -> str:
    if sqlstate and sqlstate.startswith("23"):
        return "existing rows violate it: fix the data in an earlier migration, or the constraint"
    return _FIXES.get(sqlstate or "", "fix the statement and re-run: nothing of this file was applied")


def _connect(dsn: str) -> psycopg.Connection:
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(' '.join(str(exc).split()))[:200]}") from None


def _exists(conn: psycopg.Connection, relation: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [relation]).fetchone()[0]


def _recorded(conn: psycopg.Connection) -> dict[str, str | None]:
    """version -> sha256 of what is applied; versions known only to the Supabase CLI map to None."""
    recorded: dict[str, str | None] = {}
    if _exists(conn, SUPABASE_HISTORY):
        recorded.update(dict.fromkeys(v for (v,) in conn.execute(f"SELECT version FROM {SUPABASE_HISTORY}")))
    if _exists(conn, f"{LEDGER_SCHEMA}.schema_migrations"):
        recorded.update(conn.execute(f"SELECT version, sha256 FROM {LEDGER_SCHEMA}.schema_migrations").fetchall())
    return recorded


def _check_unchanged(m: Migration, recorded_sha: str | None) -> None:
    if recorded_sha is not None and recorded_sha != m.sha256:
        raise HarnessError(
            f"migration {m.path.name} changed after it was applied (recorded sha256 {recorded_sha[:12]}, "
            f"file {m.sha256[:12]}): never edit an applied migration, add a new one"
        )


def _plan(conn: psycopg.Connection, sql_dir: Path, base_schema: Path | None,
          base_data: Path | None = None) -> Iterator[Migration]:
    """Everything to run, in order: compat layer (if needed), base schema (if given), the files,
    with the pre-lens data (if given) before the first lens migration."""
    from harness.config import PROJECT_SQL_DIR

    files = discover(sql_dir)
    if base_data is not None:
        at = next((i for i, m in enumerate(files) if int(m.version) >= LENS_FIRST_VERSION), len(files))
        files.insert(at, file_migration(Path(base_data), BASE_DATA_VERSION, Path(base_data).name))
    plan = []
    ships_compat = any(m.path.name.endswith("supabase_compat.sql") for m in files)
    if not ships_compat and not conn.execute(_SUPABASE_PRESENT).fetchone()[0]:
        plan.append(file_migration(PROJECT_SQL_DIR / COMPAT_FILE, "", "supabase_compat (lens-harness)"))
    if base_schema is not None:
        if not Path(base_schema).is_file():
            raise HarnessError(f"base schema {base_schema} is not a file: give a `pg_dump --schema-only` output")
        plan.append(file_migration(Path(base_schema), BASE_VERSION, Path(base_schema).name))
    recorded = _recorded(conn)
    for m in [*plan, *files]:
        if m.version in recorded:
            _check_unchanged(m, recorded[m.version])
            m = m.with_state("applied")
        yield m


def status(dsn: str, sql_dir: Path, base_schema: Path | None = None) -> list[Migration]:
    """What is applied and what is pending, without writing anything (verify-only targets)."""
    with _connect(dsn) as conn:
        return list(_plan(conn, sql_dir, base_schema))


_COPY_STDIN = re.compile(r"^COPY\b[^;]*\bFROM\s+stdin", re.MULTILINE | re.IGNORECASE)


def _sql_of(m: Migration) -> str:
    text = m.path.read_text()
    if m.version not in (BASE_VERSION, BASE_DATA_VERSION):
        return text
    what, dump = (("base schema", "pg_dump --schema-only --no-owner") if m.version == BASE_VERSION
                  else ("base data", "pg_dump --data-only --inserts --no-owner"))
    text = _DUMP_META.sub("", text)
    copy = _COPY_STDIN.search(text)
    if copy:
        raise HarnessError(f"{what} {m.path.name} line {line_of(text, copy.start())} is COPY ... FROM stdin (psql "
                           f"only): give INSERT statements, e.g. {dump}")
    meta = re.search(r"^\\\S+", text, re.MULTILINE)
    if meta:
        raise HarnessError(f"{what} {m.path.name} line {line_of(text, meta.start())} is a psql meta-command "
                           f"({meta.group(0)}): give plain SQL, e.g. {dump}")
    return text


def _locate(conn: psycopg.Connection, text: str) -> int | None:
    """Replay the file statement by statement (rolled back) to find the one that fails."""
    try:
        with conn.transaction(force_rollback=True):
            for offset, stmt in statements(text):
                try:
                    conn.execute(stmt)
                except psycopg.Error:
                    return offset
    except psycopg.Error:
        pass
    return None


def _explain(conn: psycopg.Connection, m: Migration, text: str, exc: psycopg.Error) -> HarnessError:
    diag = exc.diag
    offset = int(diag.statement_position) - 1 if diag.statement_position else _locate(conn, text)
    where = ""
    if offset is not None:
        line, stmt = statement_at(text, offset)
        first = " ".join(stmt.split())[:120]
        at = f", error at line {line_of(text, offset)}" if diag.statement_position else ""
        where = f"\n  statement at line {line}{at}: {first}"
    context = f"\n  context: {diag.context.splitlines()[0]}" if diag.context else ""
    return HarnessError(f"migration {m.path.name} failed [{diag.sqlstate or '?'}]: {diag.message_primary or exc}"
                        f"{where}{context}\n  likely fix: {_fix(diag.sqlstate)}")


def _record_for_supabase(conn: psycopg.Connection, m: Migration, text: str) -> None:
    """Keep the Supabase CLI's history in step, so `supabase migration list` sees what the gate applied."""
    if not m.version.isdigit() or not _exists(conn, SUPABASE_HISTORY):
        return
    columns = {c for (c,) in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0", [SUPABASE_HISTORY])}
    if "statements" in columns:
        conn.execute(f"INSERT INTO {SUPABASE_HISTORY} (version, name, statements) VALUES (%s, %s, %s)",
                     [m.version, m.name, [s.strip() for _, s in statements(text)]])
    else:
        conn.execute(f"INSERT INTO {SUPABASE_HISTORY} (version, name) VALUES (%s, %s)", [m.version, m.name])


def _apply_one(conn: psycopg.Connection, m: Migration) -> None:
    text = _sql_of(m)
    started = time.perf_counter()
    try:
        with conn.transaction():
            conn.execute(text)
            if m.version:  # the compat layer is idempotent and re-checked each run: not recorded
                conn.execute(
                    f"INSERT INTO {LEDGER_SCHEMA}.schema_migrations (version, name, sha256, duration_ms) VALUES (%s, %s, %s, %s)",
                    [m.version, m.name, m.sha256, int((time.perf_counter() - started) * 1000)],
                )
                _record_for_supabase(conn, m, text)
    except psycopg.Error as exc:
        raise _explain(conn, m, text, exc) from None


def apply(dsn: str, sql_dir: Path, base_schema: Path | None = None, base_data: Path | None = None,
          after: Callable[[psycopg.Connection], object] | None = None) -> list[Migration]:
    """Apply every pending step, each in its own transaction with its ledger row; ``after`` runs
    on the connection once each step is applied (harness/populated.py writes rows there)."""
    result = []
    with _connect(dsn) as conn:
        conn.execute(_CREATE_LEDGER)
        for m in list(_plan(conn, sql_dir, base_schema, base_data)):
            if m.state == "pending":
                if m.version in (BASE_VERSION, BASE_DATA_VERSION):  # a dump sets session state (search_path ''): own connection
                    with _connect(dsn) as own:
                        _apply_one(own, m)
                else:
                    _apply_one(conn, m)
                if after is not None:
                    after(conn)
                m = m.with_state("new")
            result.append(m)
    return result
