"""Migration runner: ordered files, each in one transaction, recorded with a sha256.

Re-running is a no-op; a recorded file whose content changed is an error (a later fix gets a
later number, as on every migration tool). Works on any directory of `.sql` files, so a user's
Supabase project (`supabase/migrations`) can be pointed at with `--sql-dir`.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from harness.errors import HarnessError
from harness.redact import redact_dsn

LEDGER_SCHEMA = "lens_harness"
_CREATE_LEDGER = f"""
CREATE SCHEMA IF NOT EXISTS {LEDGER_SCHEMA};
CREATE TABLE IF NOT EXISTS {LEDGER_SCHEMA}.schema_migrations (
    version     text PRIMARY KEY,
    name        text NOT NULL,
    sha256      text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL
)"""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path
    sha256: str
    state: str = "pending"  # pending | applied | new (applied by this run)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["path"] = self.path.name
        return d


def _natural_key(path: Path):
    return [int(tok) if tok.isdigit() else tok for tok in re.split(r"(\d+)", path.name)]


def discover(sql_dir: Path) -> list[Migration]:
    files = sorted((p for p in Path(sql_dir).glob("*.sql") if p.is_file()), key=_natural_key)
    if not files:
        raise HarnessError(f"no .sql migrations in {sql_dir}: point --sql-dir at your migrations")
    migrations, seen = [], {}
    for path in files:
        version, _, name = path.stem.partition("_")
        if version in seen:
            raise HarnessError(f"two migrations share version {version}: {seen[version]} and {path.name}")
        seen[version] = path.name
        migrations.append(Migration(version, name or path.stem, path, hashlib.sha256(path.read_bytes()).hexdigest()))
    return migrations


def _connect(dsn: str) -> psycopg.Connection:
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise HarnessError(f"cannot connect to {redact_dsn(dsn)}: {redact_dsn(' '.join(str(exc).split()))[:200]}") from None


def _recorded(conn: psycopg.Connection) -> dict[str, str]:
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{LEDGER_SCHEMA}.schema_migrations"]).fetchone()[0]
    if not exists:
        return {}
    return dict(conn.execute(f"SELECT version, sha256 FROM {LEDGER_SCHEMA}.schema_migrations").fetchall())


def _check_unchanged(m: Migration, recorded_sha: str) -> None:
    if recorded_sha != m.sha256:
        raise HarnessError(
            f"migration {m.path.name} changed after it was applied (recorded sha256 {recorded_sha[:12]}, "
            f"file {m.sha256[:12]}): never edit an applied migration, add a new one"
        )


def status(dsn: str, sql_dir: Path) -> list[Migration]:
    """What is applied and what is pending, without writing anything (verify-only targets)."""
    migrations = discover(sql_dir)
    with _connect(dsn) as conn:
        recorded = _recorded(conn)
    result = []
    for m in migrations:
        if m.version in recorded:
            _check_unchanged(m, recorded[m.version])
            m = Migration(m.version, m.name, m.path, m.sha256, "applied")
        result.append(m)
    return result


def apply(dsn: str, sql_dir: Path) -> list[Migration]:
    """Apply every pending migration, each in its own transaction with its ledger row."""
    migrations = discover(sql_dir)
    result = []
    with _connect(dsn) as conn:
        conn.execute(_CREATE_LEDGER)
        recorded = _recorded(conn)
        for m in migrations:
            if m.version in recorded:
                _check_unchanged(m, recorded[m.version])
                result.append(Migration(m.version, m.name, m.path, m.sha256, "applied"))
                continue
            started = time.perf_counter()
            try:
                with conn.transaction():
                    conn.execute(m.path.read_text())
                    conn.execute(
                        f"INSERT INTO {LEDGER_SCHEMA}.schema_migrations (version, name, sha256, duration_ms) VALUES (%s, %s, %s, %s)",
                        [m.version, m.name, m.sha256, int((time.perf_counter() - started) * 1000)],
                    )
            except psycopg.Error as exc:
                diag = exc.diag
                where = f" ({diag.context.splitlines()[0]})" if diag and diag.context else ""
                raise HarnessError(
                    f"migration {m.path.name} failed [{diag.sqlstate if diag else '?'}]: {diag.message_primary if diag else exc}{where}"
                ) from None
            result.append(Migration(m.version, m.name, m.path, m.sha256, "new"))
    return result
