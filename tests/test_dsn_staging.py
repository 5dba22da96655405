"""The gate against a server that holds real data: a separate password-protected PostgreSQL
(tests/staging_server.py, not the harness's provisioner) with production rows, every statement
logged. One server for the module; each test measures its own window (log offset, next xid,
row hashes)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from harness.provision import Database

from .conftest import run_cli
from .staging_server import (PASSWORD, SPELLINGS, USER, CmdlineSampler, cli_process, dsn_env, leaked_files, patience,
                             production_server)


@pytest.fixture(scope="module")
def staging():
    with production_server() as server:
        yield server


def test_repr_of_a_database_hides_an_url_encoded_password(staging):
    text = repr(Database(staging.dsn, "dsn"))
    assert "stage_owner:***@" in text
    assert not any(s in text for s in SPELLINGS)


def test_verify_only_gate_with_default_workers_writes_nothing(staging, tmp_path):
    before, xid, offset = staging.table_hashes(), staging.next_xid(), staging.log_offset()
    result = run_cli("run", "--target", "dsn", "--load", "--quiet", "--report-dir", str(tmp_path),
                     env=dsn_env(staging), timeout=patience(900))
    output = result.stdout + result.stderr
    assert staging.ddl_since(offset) == []
    assert staging.committed_since(xid) == 0
    assert staging.table_hashes() == before
    assert result.returncode == 0, output[-3000:]
    assert "VERIFY-ONLY PASS (exit 0)" in output and "not verified (needs --allow-writes)" in output
    signoff = (tmp_path / "signoff.md").read_text()
    assert signoff.splitlines()[2].startswith("**Verdict: VERIFY-ONLY PASS (exit 0"), signoff[:600]
    assert "Verdict: PASS" not in signoff and "**not verified (needs --allow-writes)**" in signoff
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["verify_only"] is True and run["verdict"]["label"] == "VERIFY-ONLY PASS"
    assert "load" in run["verdict"]["not_verified_needs_writes"]
    junit = (tmp_path / "junit.xml").read_text()
    assert ' failures="0"' in junit and ' errors="0"' in junit, output[-2000:]
    assert 'tests="0"' not in junit
    steps = {s["name"]: s for s in run["steps"]}
    assert steps["load (locust, own process)"]["status"] == "skipped"
    assert "verify-only" in steps["load (locust, own process)"]["note"]
    assert leaked_files(tmp_path) == []
    assert not any(s in output for s in SPELLINGS)


def test_a_failing_test_that_takes_the_database_leaks_no_password(staging, tmp_path):
    """pytest prints fixture values of a failing test; JUnit and Allure must not carry them."""
    (tmp_path / "test_fails.py").write_text(textwrap.dedent("""
        def test_fails(lens_database):
            assert lens_database is None, lens_database.dsn
    """))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path / "test_fails.py"), "-p", "no:cacheprovider", "-l",
         f"--junitxml={out / 'junit.xml'}", f"--alluredir={out / 'allure'}", "--rootdir", str(tmp_path)],
        capture_output=True, text=True, env={**dsn_env(staging), "LENS_TARGET": "dsn"}, cwd=tmp_path, timeout=patience(300))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "stage_owner:***@" in (out / "junit.xml").read_text()
    assert leaked_files(out) == []


def test_gate_and_load_with_writes_leave_nothing_and_no_password_in_argv(staging, tmp_path):
    before = staging.table_hashes()
    runs = {}
    for name, args in (("gate", ("run", "--target", "dsn", "--allow-writes", "--load", "--quiet", "--report-dir",
                                 str(tmp_path / "gate"))),
                       ("load", ("load", "--target", "dsn", "--allow-writes", "--users", "4", "--iterations", "200",
                                 "--out", str(tmp_path / "load")))):
        proc = cli_process(staging, *args)
        sampler = CmdlineSampler(proc.pid)
        sampler.start()
        out, _ = proc.communicate(timeout=patience(900))
        sampler.stop.set()
        sampler.join()
        runs[name] = (proc.returncode, out, sampler)
    for name, (code, out, sampler) in runs.items():
        assert code == 0, f"{name}: {out[-3000:]}"
        assert sampler.samples > 0, name  # the tree was sampled while it ran (a fast load may finish within ten samples)
        assert sampler.leaks == set(), name
    assert staging.tagged_rows() == {}
    assert staging.table_hashes() == before
    assert leaked_files(tmp_path) == []


def test_a_password_not_url_encoded_or_in_key_value_form_is_written_nowhere(staging, tmp_path):
    """A password pasted raw into the URL is refused in one redacted line (libpq would read part of
    it as host or port); a key=value DSN works and its password appears in no output or file."""
    raw = staging.dsn.replace(staging.dsn.split(":")[2].split("@")[0], PASSWORD)
    refused = run_cli("run", "--target", "dsn", "--quiet", "--report-dir", str(tmp_path / "raw"),
                      env={**dsn_env(staging), "LENS_DSN": raw})
    assert refused.returncode == 2 and "is not URL-encoded" in refused.stderr, refused.stderr
    assert "stage_owner:***@127.0.0.1" in refused.stderr
    assert not any(s in refused.stdout + refused.stderr for s in SPELLINGS | {"ss:w/rd"})
    key_value = (f"host=127.0.0.1 port={staging.client_port or staging.port} user={USER} dbname=staging "
                 f"password='{PASSWORD}'")
    result = run_cli("run", "--target", "dsn", "--suites", "schema", "--quiet", "--report-dir", str(tmp_path / "kv"),
                     env={**dsn_env(staging), "LENS_DSN": key_value}, timeout=patience(600))
    output = result.stdout + result.stderr
    run = json.loads((tmp_path / "kv" / "run.json").read_text())
    assert run.get("postgres_version"), output[-2000:]  # it connected
    assert "stage_owner:***@127.0.0.1" in run["dsn_redacted"]
    assert not any(s in output for s in SPELLINGS)
    assert leaked_files(tmp_path) == []


def test_load_over_two_worker_processes_is_judged_whole_and_leaves_nothing(staging, tmp_path):
    """locust's distributed mode: a master and 2 worker processes drive the reference API over real
    HTTP; both workers' histories are merged and judged; the run's rows are purged; a worker refuses
    a verify-only DSN on its own."""
    from harness.config import Settings
    from harness.load.api_process import api_process

    refused = run_cli("load", "--target", "dsn", "--worker", "--master-host", "127.0.0.1", env=dsn_env(staging))
    assert refused.returncode == 2 and "verify-only" in refused.stderr and refused.stderr.count("\n") == 1
    before = staging.table_hashes()
    with api_process(staging.dsn, Settings().jwt_secret) as url:
        proc = cli_process(staging, "load", "--target", "dsn", "--allow-writes", "--api-url", url, "--processes", "2",
                           "--users", "4", "--iterations", "300", "--out", str(tmp_path / "load"))
        sampler = CmdlineSampler(proc.pid)
        sampler.start()
        out, _ = proc.communicate(timeout=patience(600))
        sampler.stop.set()
        sampler.join()
    assert proc.returncode == 0, out[-3000:]
    summary = json.loads((tmp_path / "load" / "load_summary.json").read_text())
    assert summary["processes"] == 2 and summary["requests"] == 300 and summary["checker"]["valid"] is True
    history = [json.loads(line) for line in (tmp_path / "load" / "load_history.jsonl").read_text().splitlines()]
    assert {op["process"].split("/")[0] for op in history} == {"w0", "w1"}
    assert sum(op["type"] != "invoke" for op in history) == 300 and len({op["op_id"] for op in history}) == 300
    assert sampler.samples > 0 and sampler.leaks == set()
    assert staging.tagged_rows() == {}
    assert staging.table_hashes() == before
    assert leaked_files(tmp_path) == []


def test_gate_across_a_slow_link_measures_it_and_still_writes_nothing(staging, tmp_path):
    """Through a 10 ms latency proxy (tests/latency_proxy.py): the gate reports the RTT it
    measured and sizes its workers from it; verify-only stays write- and DDL-free."""
    from .latency_proxy import LatencyProxy

    before, xid, offset = staging.table_hashes(), staging.next_xid(), staging.log_offset()
    with LatencyProxy(staging.port, rtt_ms=10) as proxy:
        far = staging.dsn.replace(f":{staging.client_port or staging.port}/", f":{proxy.port}/")
        result = run_cli("run", "--target", "dsn", "--suites", "schema,rls", "--report-dir", str(tmp_path),
                         env={**dsn_env(staging), "LENS_DSN": far}, timeout=patience(600))
    output = result.stdout + result.stderr
    run = json.loads((tmp_path / "run.json").read_text())
    suites = next(s for s in run["steps"] if s["name"].startswith("suites"))
    assert result.returncode == 2 and suites["status"] == "ok", output[-3000:]  # 2: two suites verify no full criterion set
    assert "passed" in suites["note"] and "failed" not in suites["note"] and "error" not in suites["note"], suites
    network = run["network"]
    assert network["rtt_ms"] >= 10 and network["workers"] > 2, network
    assert f"RTT {network['rtt_ms']:.0f} ms to the server" in output and "sequential round trips" in output
    assert f"RTT {network['rtt_ms']} ms" in (tmp_path / "signoff.md").read_text()
    assert staging.ddl_since(offset) == [] and staging.committed_since(xid) == 0
    assert staging.table_hashes() == before
    assert not any(s in output for s in SPELLINGS)


def test_load_at_a_rate_holds_it_across_a_slow_link_and_leaves_nothing(staging, tmp_path):
    """``load --rate`` through a 20 ms proxy: the rate is held (within 5 %), users are added
    beyond the first ones as the latency requires, the checker judges the whole history."""
    from .latency_proxy import LatencyProxy

    before = staging.table_hashes()
    with LatencyProxy(staging.port, rtt_ms=20) as proxy:
        far = staging.dsn.replace(f":{staging.client_port or staging.port}/", f":{proxy.port}/")
        result = run_cli("load", "--target", "dsn", "--allow-writes", "--rate", "60", "--run-time", "5",
                         "--out", str(tmp_path), env={**dsn_env(staging), "LENS_DSN": far}, timeout=patience(300))
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    summary = json.loads((tmp_path / "load_summary.json").read_text())
    assert abs(summary["rate"]["held"] - 60) <= 3, summary["rate"]
    assert summary["rate"]["users_needed"] > 2 and summary["checker"]["valid"] is True, summary["rate"]
    assert f"{summary['rate']['users_needed']} users needed" in result.stdout
    assert staging.tagged_rows() == {} and staging.table_hashes() == before
