"""The gate's verdict end to end: each case of issue 11 injected into a real gate run, the exit
code and the report's words asserted. Each test spawns whole gate runs on a narrow selection
(one run answers several questions where it can); they are marked ``slow`` and CI runs them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import migrate
from harness.config import Settings

from .conftest import run_cli

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SCHEMA_LINT = "test_ledger_is_append_only_for_authenticated"


def _copy_sql(tmp_path: Path) -> Path:
    sql = tmp_path / "sql"
    shutil.copytree(Settings().sql_dir, sql)
    return sql


def test_a_failing_test_fails_the_gate_and_sql_dir_reaches_the_nemesis(tmp_path):
    """One run: a schema lint fails (injected in its body) -> exit 1 although other required
    criteria did not run; the nemesis' private server was migrated from --sql-dir; the reused
    report folder was refused, then emptied with --force and holds only this run."""
    sql = _copy_sql(tmp_path)
    changed = sorted(sql.glob("3*.sql"))[-1]
    changed.write_text(changed.read_text() + "\n-- a comment: this directory's checksum differs\n")
    report = tmp_path / "report"
    (report / "concurrency").mkdir(parents=True)
    (report / "concurrency" / "old_run.json").write_text('{"name": "old_run", "valid": false}')
    refused = run_cli("run", "--report-dir", str(report), "--quiet")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    result = run_cli("run", "--sql-dir", str(sql), "--suites", "schema,concurrency", "--report-dir", str(report),
                     "--force", "--quiet", "--", "-p", "tests.inject_failure", "-k", f"{SCHEMA_LINT} or faults",
                     timeout=900, env={**os.environ, "INJECT_FAIL": SCHEMA_LINT}, cwd=REPO)
    assert result.returncode == 1, result.stdout + result.stderr
    signoff = (report / "signoff.md").read_text()
    assert "Verdict: FAIL (exit 1" in signoff and "injected failure" in signoff
    assert signoff.index("**fail**") < signoff.index("**pass**")  # failing criteria first
    assert not (report / "concurrency" / "old_run.json").exists()
    run = json.loads((report / "run.json").read_text())
    assert re.fullmatch(r"\d{8}-\d{6}-\d{3}-[0-9a-f]{6}", run["run_id"])
    nemesis = json.loads((report / "concurrency" / "nemesis_faults.json").read_text())
    stamp = nemesis["provenance"]
    assert stamp["sql_dir"] == str(sql) and stamp["sut"] == "reference" and stamp["run_id"] == run["run_id"]
    checksums = {m["file"]: m["sha256"] for m in stamp["migrations"]}
    assert checksums[changed.name] == hashlib.sha256(changed.read_bytes()).hexdigest()


def _criterion_row(signoff: str, title: str) -> str:
    """The criterion's row of the sign-off table (the verdict line above it names failed criteria
    by title too, so the row is told apart by its table cells)."""
    return next(line for line in signoff.splitlines() if line.startswith("|") and f"| {title}" in line)


def test_the_naive_handler_fails_the_atomic_criterion_from_behaviour(tmp_path):
    result = run_cli("run", "--sut", "naive", "--suites", "concurrency", "--report-dir", str(tmp_path), "--quiet",
                     "--", "-m", "atomic", timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    signoff = (tmp_path / "signoff.md").read_text()
    row = _criterion_row(signoff, "Handlers change stock atomically")
    assert "**fail**" in row
    assert re.search(r"(oversold|lost-update|wrong-final|negative): ", row), row  # the checker's own sentence
    saved = json.loads((tmp_path / "concurrency" / "test_http_consumers_of_one_row_never_oversell.json").read_text())
    assert saved["valid"] is False and saved["provenance"]["sut"] == "naive"


def test_pending_migrations_and_a_partial_verify_only_run_are_never_a_pass(spare_server, tmp_path):
    dsn = spare_server.admin_dsn
    partial = _copy_sql(tmp_path)
    last = sorted(partial.glob("*.sql"))[-1]
    last.unlink()
    migrate.apply(dsn, partial)
    pending = run_cli("run", "--dsn", dsn, "--report-dir", str(tmp_path / "pending"), "--quiet")
    assert pending.returncode == 2, pending.stdout + pending.stderr
    assert last.name in pending.stderr and "--allow-migrate" in pending.stderr
    signoff = (tmp_path / "pending" / "signoff.md").read_text()
    assert "NOT VERIFIED (exit 2" in signoff and last.name in signoff and "--allow-migrate" in signoff
    status = run_cli("migrate", "--dsn", dsn)
    assert status.returncode == 2 and last.name in status.stderr
    migrate.apply(dsn, Settings().sql_dir)
    verify = run_cli("run", "--dsn", dsn, "--workers", "1", "--suites", "concurrency", "--report-dir",
                     str(tmp_path / "verify"), "--quiet", "--", "-m", "atomic", timeout=600)
    assert verify.returncode == 2, verify.stdout + verify.stderr  # the other required criteria did not run
    signoff = (tmp_path / "verify" / "signoff.md").read_text()
    row = _criterion_row(signoff, "Handlers change stock atomically")
    assert "**not verified (needs --allow-writes)**" in row and re.search(r"\b(\d+) of \1 tests must commit data", row)
    assert "NOT VERIFIED (exit 2" in signoff and "not verified (needs --allow-writes): atomic functions" in signoff
    assert "VERIFY-ONLY PASS" not in signoff + verify.stderr


def test_an_interrupted_gate_writes_a_report(tmp_path):
    # the whole concurrency suite: tens of seconds, so the interrupt lands while it runs (its two
    # fault tests alone could end within the 3 s below on a quiet machine)
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "run", "--suites", "concurrency", "--quiet",
                             "--report-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (tmp_path / "pytest.log").is_file() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, out + err
    signoff = (tmp_path / "signoff.md").read_text()
    assert "Verdict: INTERRUPTED (exit 130" in signoff and "interrupted (SIGINT/SIGTERM)" in signoff
