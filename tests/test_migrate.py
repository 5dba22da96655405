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
    with pytest.raises(HarnessError, match=r"002_bad.sql failed \[42P01\]: relation \"nowhere\" does not exist"):
        migrate.apply(dsn, tmp_path)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT to_regclass('half')").fetchone()[0] is None
        assert conn.execute("SELECT array_agg(version) FROM lens_harness.schema_migrations").fetchone()[0] == ["001"]


def test_order_is_name_order_as_the_supabase_cli(tmp_path):
    """Byte order of the names, not numeric: the CLI applies `100_c`, `10_b`, then `9_a`."""
    for name in ("10_b.sql", "9_a.sql", "100_c.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [m.version for m in migrate.discover(tmp_path)] == ["100", "10", "9"]


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


# -- Supabase CLI layouts and rules -------------------------------------------------------------

def _supabase_project(root, files: dict[str, str]):
    migrations = root / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    for name, text in files.items():
        (migrations / name).write_text(text)
    return migrations


@pytest.mark.parametrize("given", ["root", "supabase", "migrations"])
def test_sql_dir_may_be_a_supabase_project_or_its_migrations(tmp_path, given):
    migrations = _supabase_project(tmp_path, {"20260127093000_a.sql": "SELECT 1;", "20260127101500_b.sql": "SELECT 2;"})
    path = {"root": tmp_path, "supabase": tmp_path / "supabase", "migrations": migrations}[given]
    found = migrate.discover(path)
    assert [(m.version, m.name) for m in found] == [("20260127093000", "a"), ("20260127101500", "b")]
    assert {m.path.parent for m in found} == {migrations}


def test_names_that_do_not_match_are_skipped_with_a_warning(tmp_path, caplog):
    for name in ("20260101000000_ok.sql", "create_things.sql", "v2_things.sql", "README.md"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [m.path.name for m in migrate.discover(tmp_path)] == ["20260101000000_ok.sql"]
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [w.split()[2] for w in warned] == ["create_things.sql...", "v2_things.sql..."]
    assert all('must match pattern "<timestamp>_name.sql"' in w for w in warned)


def test_a_first_init_file_is_skipped_like_the_cli(tmp_path, caplog):
    (tmp_path / "20240101000000_init.sql").write_text("SELECT 1;")
    (tmp_path / "20240102000000_next.sql").write_text("SELECT 1;")
    assert [m.version for m in migrate.discover(tmp_path)] == ["20240102000000"]
    assert "20240101000000_init.sql" in caplog.text


def test_duplicate_versions_are_refused_saying_the_cli_does_too_and_how_to_rename(tmp_path):
    for name in ("20260127_stock.sql", "20260127_ledger.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(HarnessError) as caught:
        migrate.discover(tmp_path)
    message = str(caught.value)
    assert message.startswith("two migrations share version 20260127: 20260127_ledger.sql and 20260127_stock.sql")
    assert "The Supabase CLI refuses this too" in message
    assert "14-digit UTC timestamp" in message and "20260127_stock.sql -> 20260127000001_stock.sql" in message


def _supabase_objects(dsn) -> bool:
    with psycopg.connect(dsn) as conn:
        return conn.execute(migrate._SUPABASE_PRESENT).fetchone()[0]


def test_compat_layer_first_for_a_foreign_dir_on_a_bare_database(server, tmp_path):
    dsn = _fresh_db(server, "m_foreign")
    _supabase_project(tmp_path, {"20260101000000_t.sql": "CREATE TABLE t (owner uuid DEFAULT auth.uid());\n"
                                                         "GRANT SELECT ON t TO authenticated;"})
    assert not _supabase_objects(dsn)
    first = migrate.apply(dsn, tmp_path)
    assert [(m.path.name, m.state) for m in first] == [("000_supabase_compat.sql", "new"), ("20260101000000_t.sql", "new")]
    assert _supabase_objects(dsn)
    second = migrate.apply(dsn, tmp_path)
    assert [(m.path.name, m.state) for m in second] == [("20260101000000_t.sql", "applied")], "compat skipped once present"


def test_base_schema_is_applied_first_on_its_own_session(server, tmp_path):
    """A pg_dump file empties search_path for its session; the migrations after it still resolve `legacy`."""
    dsn = _fresh_db(server, "m_base")
    dump = tmp_path / "prod.sql"
    dump.write_text("\\restrict abc123\nSET statement_timeout = 0;\n"
                    "SELECT pg_catalog.set_config('search_path', '', false);\n"
                    "CREATE TABLE public.legacy (id integer PRIMARY KEY, location text);\n\\unrestrict abc123\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "20260101000000_more.sql").write_text("ALTER TABLE legacy ADD COLUMN location_id uuid;")
    applied = migrate.apply(dsn, tmp_path / "m", base_schema=dump)
    assert [(m.version, m.state) for m in applied][1:] == [("base-schema", "new"), ("20260101000000", "new")]
    assert [m.state for m in migrate.status(dsn, tmp_path / "m", dump)] == ["applied", "applied"]
    dump.write_text(dump.read_text() + "\n\\connect other\n")
    with pytest.raises(HarnessError, match=r"changed after it was applied"):
        migrate.apply(dsn, tmp_path / "m", base_schema=dump)


@pytest.mark.parametrize("kind, text, refusal", [
    ("base_schema", "CREATE TABLE x (i int);\n\\connect prod\n", r"prod.sql line 2 is a psql meta-command \(\\connect\)"),
    ("base_data", "SET statement_timeout = 0;\nCOPY public.x (i) FROM stdin;\n1\n\\.\n",
     r"prod.sql line 2 is COPY ... FROM stdin .*--data-only --inserts"),
])
def test_a_dump_with_psql_only_lines_is_refused_naming_the_line(server, tmp_path, kind, text, refusal):
    dsn = _fresh_db(server, f"m_{kind}_psql")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "1_a.sql").write_text("SELECT 1;")
    dump = tmp_path / "prod.sql"
    dump.write_text(text)
    with pytest.raises(HarnessError, match=refusal):
        migrate.apply(dsn, tmp_path / "m", **{kind: dump})


def test_base_data_goes_before_the_first_lens_migration(server, tmp_path):
    """Pre-lens rows (--base-data) land after the history that predates the lens (below 300) and
    before the lens migrations, which then run over them."""
    dsn = _fresh_db(server, "m_base_data")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "100_legacy.sql").write_text("CREATE TABLE legacy (id integer PRIMARY KEY, location text);")
    (tmp_path / "m" / "300_lens.sql").write_text("ALTER TABLE legacy ADD COLUMN n integer;"
                                                 "UPDATE legacy SET n = length(location);")
    data = tmp_path / "staging.sql"
    data.write_text("SELECT pg_catalog.set_config('search_path', '', false);\n"
                    "INSERT INTO public.legacy VALUES (1, 'Engine Room');\n")
    applied = migrate.apply(dsn, tmp_path / "m", base_data=data)
    assert [m.version for m in applied][1:] == ["100", "base-data", "300"]
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT n FROM legacy").fetchall() == [(11,)]


def test_supabase_cli_history_counts_as_applied_and_is_kept_in_step(server, tmp_path):
    dsn = _fresh_db(server, "m_history")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations "
                     "(version text PRIMARY KEY, statements text[], name text);"
                     "INSERT INTO supabase_migrations.schema_migrations VALUES ('20260101000000', NULL, 'old')")
    (tmp_path / "20260101000000_old.sql").write_text("SELECT 1/0;")  # would fail if it ran again
    (tmp_path / "20260102000000_new.sql").write_text("CREATE TABLE n (i int);\nCREATE TABLE o (i int);")
    assert [m.state for m in migrate.status(dsn, tmp_path)][-2:] == ["applied", "pending"]
    assert [m.state for m in migrate.apply(dsn, tmp_path)][-2:] == ["applied", "new"]
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT version, name, statements FROM supabase_migrations.schema_migrations "
                            "ORDER BY version").fetchall()
    assert rows[1] == ("20260102000000", "new", ["CREATE TABLE n (i int);", "CREATE TABLE o (i int);"])


def test_failure_names_file_statement_line_and_likely_fix(server, tmp_path):
    dsn = _fresh_db(server, "m_explain")
    (tmp_path / "20260101000000_a.sql").write_text(
        "-- stock\nCREATE TABLE s (id int);\n\n-- backfill\nINSERT INTO s (id)\n  SELECT id\n  FROM locations;\n")
    with pytest.raises(HarnessError) as caught:
        migrate.apply(dsn, tmp_path)
    message = str(caught.value)
    assert message.splitlines()[0] == '20260101000000_a.sql failed [42P01]: relation "locations" does not exist'.join(
        ["migration ", ""])
    assert "statement at line 5, error at line 7: INSERT INTO s (id) SELECT id FROM locations;" in message
    assert "likely fix: an object it uses does not exist yet: give the schema your history assumes with --base-schema" in message


def test_failure_without_a_position_is_located_by_replay(server, tmp_path):
    dsn = _fresh_db(server, "m_locate")
    (tmp_path / "20260101000000_a.sql").write_text(
        "CREATE TABLE u (id int PRIMARY KEY);\nINSERT INTO u VALUES (1);\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\nINSERT INTO u VALUES (1);\n")
    with pytest.raises(HarnessError) as caught:
        migrate.apply(dsn, tmp_path)
    message = str(caught.value)
    assert "failed [23505]" in message and "statement at line 4: INSERT INTO u VALUES (1);" in message
    assert "likely fix: existing rows violate it" in message
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT to_regclass('u')").fetchone()[0] is None, "the replay was rolled back"


def test_statements_respect_quotes_dollar_quotes_comments_and_atomic_bodies():
    from harness.migration_files import statements

    text = ("CREATE FUNCTION a() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\n"
            "/* a; /* nested; */ still comment; */ SELECT ';' AS \"x;y\"; -- trailing; comment\n"
            "CREATE FUNCTION b() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
            "SELECT 3")
    found = [s.strip() for _, s in statements(text)]
    assert len(found) == 4
    assert found[0].endswith("$body$;") and found[1].endswith('AS "x;y";') and found[2].endswith("END;")
    assert found[2].startswith("-- trailing") and found[3] == "SELECT 3"


def test_search_path_lint_wants_pg_temp_last_or_an_empty_path(spare_server):
    """`public` alone leaves pg_temp searched first (a temp table shadows the helper's table: red
    team round 2, 13); `public, pg_temp` and Supabase's recommended '' pin it."""
    from psycopg.rows import dict_row

    from harness.evidence import QUERIES

    with psycopg.connect(spare_server.admin_dsn, autocommit=True, row_factory=dict_row) as conn:
        for name, path in (("implicit_temp", "public"), ("temp_last", "public, pg_temp"), ("empty", "''"),
                           ("temp_first", "pg_temp, public")):
            conn.execute(f"CREATE FUNCTION public.{name}() RETURNS int LANGUAGE sql SECURITY DEFINER "
                         f"SET search_path = {path} AS 'SELECT 1'")
        pinned = {r["name"]: r["search_path_pinned"] for r in conn.execute(QUERIES["security_definer"])}
    assert pinned == {"implicit_temp": False, "temp_last": True, "empty": True, "temp_first": False}
