"""Verify-only DSN mode: an existing server is read, never changed, unless the user says so."""

import psycopg

from harness import migrate
from harness.config import Settings
from harness.provision import prepare
from harness.provision.dsn import ExistingServer

from .conftest import run_cli


def _schemas(dsn):
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}


def test_verify_only_runs_no_ddl(spare_server):
    dsn = spare_server.admin_dsn
    before = _schemas(dsn)
    settings = Settings.from_env(target="dsn", dsn=dsn)
    database = prepare(ExistingServer(dsn).start(), settings)
    assert database.verify_only
    assert {m.state for m in database.migrations} == {"pending"}
    result = run_cli("migrate", "--dsn", dsn)
    assert result.returncode == 2 and "verify-only" in result.stdout  # pending: not a clean state
    assert "migration(s) pending on the target: 000_supabase_compat.sql" in result.stderr
    assert _schemas(dsn) == before, "verify-only mode must not create anything"


def test_allow_migrate_applies(spare_server):
    dsn = spare_server.admin_dsn
    result = run_cli("migrate", "--dsn", dsn, "--allow-migrate")
    assert result.returncode == 0, result.stderr
    assert {m.state for m in migrate.status(dsn, Settings().sql_dir)} == {"applied"}


def test_seed_refuses_without_allow_writes(spare_server):
    result = run_cli("seed", "--dsn", spare_server.admin_dsn)
    assert result.returncode == 2 and "--allow-writes" in result.stderr
