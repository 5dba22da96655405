"""Provisioner lifecycle: the embedded cluster never outlives the harness."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from harness.errors import HarnessError
from harness.provision import janitor
from harness.provision.embedded import EmbeddedServer, find_bin_dir

from .conftest import postgres_pids_for


def _wait_gone(fragment: str, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = postgres_pids_for(fragment)
        if not pids:
            return []
        time.sleep(0.1)
    return postgres_pids_for(fragment)


def test_runs_unprivileged_and_cleans_up_on_normal_exit():
    with EmbeddedServer() as server:
        base = str(server.base_dir)
        with psycopg.connect(server.admin_dsn) as conn:
            assert conn.execute("SHOW fsync").fetchone()[0] == "off"
            owner = conn.execute("SELECT pg_stat_file('postmaster.pid')").fetchone()
            assert owner is not None
        pid = server.process.pid
        assert Path(f"/proc/{pid}/status").exists()
        uid_line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith("Uid:"))
        assert int(uid_line.split()[1]) != 0, "the server must not run as root"
    assert _wait_gone(base) == []
    assert not Path(base).exists()


def test_cleans_up_after_an_exception():
    with pytest.raises(RuntimeError):
        with EmbeddedServer() as server:
            base = str(server.base_dir)
            raise RuntimeError("boom")
    assert _wait_gone(base) == []
    assert not Path(base).exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_cli_up_leaves_no_server_after_signal(sig):
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "up", "--no-seed"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        dsn_line = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not dsn_line.startswith("DSN:"):
            dsn_line = proc.stdout.readline()
            assert dsn_line or proc.poll() is None, "lens-harness up exited early"
        port = dsn_line.split(":")[-1].split("/")[0]
        assert postgres_pids_for(f"-p {port}"), "server should be running"
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert _wait_gone(f"-p {port}") == []
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)


def test_template_clone_is_independent():
    with EmbeddedServer() as server:
        janitor.create_database(server.admin_dsn, "tmpl")
        with psycopg.connect(server.dsn_for("tmpl"), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        janitor.mark_template(server.admin_dsn, "tmpl")
        janitor.clone_database(server.admin_dsn, "tmpl", "c1")
        janitor.clone_database(server.admin_dsn, "tmpl", "c2")
        with psycopg.connect(server.dsn_for("c1"), autocommit=True) as conn:
            conn.execute("INSERT INTO t VALUES (2)")
        with psycopg.connect(server.dsn_for("c2")) as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_missing_binaries_is_a_clear_error(tmp_path):
    with pytest.raises(HarnessError, match=r"binaries .* not found .*--pg-bin"):
        find_bin_dir(str(tmp_path))
