"""Migration runner: ordered, transactional, recorded with checksums, idempotent."""


import psycopg
import pytest

from harness import migrate
from harness.config import PROJECT_SQL_DIR
from harness.errors import HarnessError
from harness.provision.embedded import EmbeddedServer


@pytest.fixture(scope="module")
def server():
    with EmbeddedServer() as s:
        yield s


def _fresh_db(server, name):
    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.dsn_for(name)


def test_project_migrations_apply_then_rerun_is_a_noop(server):
    dsn = _fresh_db(server, "m_idem")
    first = migrate.apply(dsn, PROJECT_SQL_DIR)
    assert {m.state for m in first} == {"new"}
    second = migrate.apply(dsn, PROJECT_SQL_DIR)
    assert {m.state for m in second} == {"applied"}
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT version, sha256 FROM lens_harness.schema_migrations ORDER BY version").fetchall()
    assert [(m.version, m.sha256) for m in first] == rows


def test_changed_applied_migration_is_refused(server, tmp_path):
    dsn = _fresh_db(server, "m_changed")
    (tmp_path / "001_a.sql").write_text("CREATE TABLE a (x int);")
    migrate.apply(dsn, tmp_path)
    (tmp_path / "001_a.sql").write_text("CREATE TABLE a (x int, y int);")
    with pytest.raises(HarnessError, match="001_a.sql changed after it was applied"):
        migrate.apply(dsn, tmp_path)


def test_failed_migration_rolls_back_and_names_the_file(server, tmp_path):
    dsn = _fresh_db(server, "m_fail")
    (tmp_path / "001_ok.sql").write_text("CREATE TABLE ok (x int);")
    (tmp_path / "002_bad.sql").write_text("CREATE TABLE half (x int); SELECT nope FROM nowhere;")
    with pytest.raises(HarnessError, match=r"002_bad.sql failed \[42P01\]"):
        migrate.apply(dsn, tmp_path)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT to_regclass('half')").fetchone()[0] is None
        assert conn.execute("SELECT array_agg(version) FROM lens_harness.schema_migrations").fetchone()[0] == ["001"]


def test_order_is_natural(tmp_path):
    for name in ("10_b.sql", "9_a.sql", "100_c.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [m.version for m in migrate.discover(tmp_path)] == ["9", "10", "100"]


def test_compat_layer_is_skipped_when_present(server):
    """On a database that already has the Supabase objects, 000 changes nothing."""
    dsn = _fresh_db(server, "m_compat")
    compat = PROJECT_SQL_DIR / "000_supabase_compat.sql"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(compat.read_text())
        before = conn.execute("SELECT p.oid FROM pg_proc p WHERE p.proname = 'uid' AND p.pronamespace = 'auth'::regnamespace").fetchone()
        conn.execute(compat.read_text())
        after = conn.execute("SELECT p.oid FROM pg_proc p WHERE p.proname = 'uid' AND p.pronamespace = 'auth'::regnamespace").fetchone()
    assert before == after
