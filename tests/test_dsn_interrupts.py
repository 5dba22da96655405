"""Interrupted runs against a server with real data: SIGINT and SIGTERM purge before exit and
say so, children die with the harness, and `purge` removes what a SIGKILLed run left."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from pathlib import Path

import pytest

from harness.provision import stale

from .conftest import run_cli
from .staging_server import (
    alive,
    cli_process,
    descendants,
    dsn_env,
    patience,
    production_server,
    wait_for,
)


@pytest.fixture(scope="module")
def staging():
    with production_server() as server:
        yield server



def _run_id(report_dir: Path) -> str | None:
    try:
        return json.loads((report_dir / "run.json").read_text())["run_id"]
    except (OSError, ValueError, KeyError):
        return None


def _settings_dir_of(pid: int) -> Path:
    """The private settings folder of the gate with this pid (stale.OWNER_FILE names it)."""
    return next(d for d in Path(tempfile.gettempdir()).glob(f"{stale.SETTINGS_DIRS}*")
                if (d / stale.OWNER_FILE).is_file() and (d / stale.OWNER_FILE).read_text().strip() == str(pid))


def _has_rows_of(staging, run_id):
    return run_id and staging.rows_of_run(run_id)


def _signal_all(pids, sig) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _frozen_holding_rows(staging, gate: int, run_id: str) -> set[int]:
    """SIGSTOP the gate and its children at a moment the run's committed rows are on the target;
    its children. A test's teardown purges its yachts, so rows seen just before a kill can be gone
    by the kill on a loaded machine, and the next gate would rightly warn of nothing."""
    for _ in range(30):
        wait_for(lambda: _has_rows_of(staging, run_id), what="the run's committed rows")
        stopped = {gate}
        os.kill(gate, signal.SIGSTOP)
        while new := alive(descendants(gate)) - stopped:
            _signal_all(new, signal.SIGSTOP)
            stopped |= new
        if staging.rows_of_run(run_id):
            return stopped - {gate}
        _signal_all(stopped, signal.SIGCONT)
    raise AssertionError("the run's rows were never on the target while the gate was stopped")


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _release_parents_first(stopped: set[int]) -> None:
    """SIGCONT each frozen child once its parent is dead: its parent-death signal is then already
    pending, so it cannot go on to commit anything (a teardown's purge) before it acts on it."""
    deadline = time.monotonic() + 30
    while (left := alive(stopped)) and time.monotonic() < deadline:
        _signal_all({p for p in left if _ppid(p) not in left}, signal.SIGCONT)
        time.sleep(0.1)


@pytest.mark.parametrize("sig, point", [(signal.SIGINT, "suites"), (signal.SIGTERM, "suites"),
                                        (signal.SIGTERM, "load")])
def test_gate_interrupted_while_writing_purges_and_says_so(staging, tmp_path, sig, point):
    """Interrupted as the suites commit their first rows, or in the middle of the load step."""
    before = staging.table_hashes()
    proc = cli_process(staging, "run", "--target", "dsn", "--allow-writes", "--load", "--quiet", "--report-dir",
                       str(tmp_path))
    run_id = wait_for(lambda: _run_id(tmp_path), what="run.json")
    if point == "load":
        wait_for(lambda: (tmp_path / "load" / "load.log").is_file(), timeout=900, what="the load step")
    # frozen while the run's rows are on the target (a teardown's purge can empty it between a
    # look and a signal), signalled, then resumed: the interrupt lands with rows to purge
    children = _frozen_holding_rows(staging, proc.pid, run_id)
    proc.send_signal(sig)
    _signal_all({proc.pid, *children}, signal.SIGCONT)
    out, _ = proc.communicate(timeout=patience(180))
    assert proc.returncode == 130, out[-2000:]
    assert "interrupted: purged" in out and run_id in out
    wait_for(lambda: not alive(children), timeout=30, what="the children to exit")
    assert staging.tagged_rows() == {}
    assert staging.table_hashes() == before


@pytest.mark.parametrize("processes", ["1", "2"])
def test_load_interrupted_by_sigterm_purges(staging, tmp_path, processes):
    """One process, or a master with 2 worker processes (the workers finish in-flight calls and
    send their histories; the master purges)."""
    before = staging.table_hashes()
    proc = cli_process(staging, "load", "--target", "dsn", "--allow-writes", "--users", "4", "--run-time", "120",
                       "--processes", processes, "--out", str(tmp_path))
    wait_for(lambda: staging.tagged_rows().get("pms_inventory_transactions", 0) > 20, what="load writes")
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=patience(120))
    assert proc.returncode == 130, out[-2000:]
    assert "interrupted" in out and "purged" in out
    assert staging.tagged_rows() == {}
    assert staging.table_hashes() == before


def test_sigkilled_gate_leaves_no_process_and_purge_leaves_no_row(staging, tmp_path):
    before = staging.table_hashes()
    proc = cli_process(staging, "run", "--target", "dsn", "--allow-writes", "--quiet", "--report-dir", str(tmp_path / "r"))
    run_id = wait_for(lambda: _run_id(tmp_path / "r"), what="run.json")
    children = _frozen_holding_rows(staging, proc.pid, run_id)
    assert children, "the gate runs pytest as a child"
    proc.kill()
    proc.communicate()
    _release_parents_first(children)
    wait_for(lambda: not alive(children), timeout=30, what="every child to die with the gate")
    secrets_dir = _settings_dir_of(proc.pid)
    assert (secrets_dir / "settings.json").stat().st_mode & 0o077 == 0  # left behind, readable by its owner only
    warned = run_cli("run", "--target", "dsn", "--suites", "schema", "--quiet", "--report-dir", str(tmp_path / "next"),
                     env=dsn_env(staging), timeout=patience(300))
    assert run_id in warned.stdout + warned.stderr and "lens-harness purge" in warned.stdout + warned.stderr
    assert not secrets_dir.exists(), "the next gate removes the settings (DSN, JWT secret) of a killed one"
    purged = run_cli("purge", "--run", run_id, env=dsn_env(staging))
    assert purged.returncode == 0 and f"runs: {run_id}" in purged.stdout, purged.stdout + purged.stderr
    assert staging.tagged_rows() == {}
    assert staging.table_hashes() == before
