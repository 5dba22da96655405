"""The gate and load commands end to end (small selections; the full gate is the README's
first command and runs in .ci/run)."""

import json

import psycopg

from harness import migrate
from harness.config import Settings
from harness.implementations import EXAMPLES

from .conftest import run_cli


def test_partial_gate_says_required_criteria_are_not_verified(tmp_path):
    result = run_cli("run", "--suites", "schema", "--report-dir", str(tmp_path), "--quiet", timeout=300)
    assert result.returncode == 2, result.stderr
    signoff = (tmp_path / "signoff.md").read_text()
    assert "NOT VERIFIED" in signoff and "not verified: " in signoff and "acceptance" in signoff
    for name in ("junit.xml", "signoff.html", "run.json", "evidence/summary.json"):
        assert (tmp_path / name).is_file(), name
    run = json.loads((tmp_path / "run.json").read_text())
    assert [s["status"] for s in run["steps"]][:3] == ["ok", "ok", "ok"]


def test_gate_against_a_mutant_names_the_failed_criterion(tmp_path):
    result = run_cli("run", "--suites", "schema", "--mutant", "schema_rls_disabled_usage",
                     "--report-dir", str(tmp_path), "--quiet", timeout=300)
    assert result.returncode == 1
    evidence = json.loads((tmp_path / "evidence" / "summary.json").read_text())
    assert evidence["tables_without_rls"] == ["pms_part_usage"]
    assert "pms_part_usage" in (tmp_path / "signoff.md").read_text()


def test_gate_cannot_run_is_exit_2_with_one_redacted_line(tmp_path):
    result = run_cli("run", "--dsn", "postgresql://qa:hunter2@127.0.0.1:1/staging", "--report-dir", str(tmp_path), "--quiet")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert "cannot connect to postgresql://qa:***@127.0.0.1:1/staging" in result.stderr


def test_load_against_the_embedded_reference_api(tmp_path):
    result = run_cli("load", "--users", "4", "--spawn-rate", "4", "--iterations", "60", "--out", str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "load_summary.json").read_text())
    assert summary["requests"] == 60 and summary["failures"] == 0 and summary["checker"]["valid"] is True
    assert (tmp_path / "load_stats.csv").is_file() and (tmp_path / "load_stats_history.csv").is_file()


def test_load_drives_the_second_implementations_own_api_through_its_profile(tmp_path):
    """--sql-dir of the second lens: its binding seeds, its own API (envelope routes only: a
    reference-shaped request would be a 404 failure) is started in a process of its own."""
    result = run_cli("load", "--sql-dir", str(EXAMPLES / "second_lens" / "supabase"), "--users", "4",
                     "--spawn-rate", "4", "--iterations", "60", "--out", str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((tmp_path / "load_summary.json").read_text())
    assert summary["requests"] == 60 and summary["failures"] == 0 and summary["checker"]["valid"] is True
    assert summary["outcomes"].get("ok", 0) > 0


def test_load_against_a_dsn_needs_allow_writes_and_leaves_no_rows(spare_server, tmp_path):
    dsn = spare_server.admin_dsn
    migrate.apply(dsn, Settings().sql_dir)
    refused = run_cli("load", "--dsn", dsn, "--users", "2", "--iterations", "10")
    assert refused.returncode == 2 and "--allow-writes" in refused.stderr
    result = run_cli("load", "--dsn", dsn, "--allow-writes", "--users", "4", "--spawn-rate", "4", "--iterations", "80",
                     "--out", str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(dsn) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM yacht_registry), (SELECT count(*) FROM pms_inventory_transactions), "
                              "(SELECT count(*) FROM auth_users_profiles)").fetchone()
    assert counts == (0, 0, 0)
