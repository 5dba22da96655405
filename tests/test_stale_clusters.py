"""A SIGKILLed embedded run leaves no server running, and the next run removes its folder."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from harness.provision import stale
from harness.provision.embedded import EmbeddedServer

from .conftest import postgres_pids_for

_HOLD = ("import time; from harness.provision.embedded import EmbeddedServer; "
         "s = EmbeddedServer().start(); print(s.base_dir, flush=True); time.sleep(600)")


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_sweep_removes_only_folders_whose_owner_is_gone(tmp_path):
    dead, live, young = (tmp_path / f"lens-pg-{n}" for n in ("dead", "live", "young"))
    for folder in (dead, live, young):
        folder.mkdir()
    (dead / stale.OWNER_FILE).write_text(str(_dead_pid()))
    (live / stale.OWNER_FILE).write_text(str(os.getpid()))
    assert stale.sweep(str(tmp_path)) == [dead]
    assert live.is_dir() and young.is_dir() and not dead.exists()


@pytest.fixture
def cluster_parent():
    """A parent folder of its own (the unprivileged cluster account must reach it)."""
    path = Path(tempfile.mkdtemp(prefix="lens-stale-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_sigkilled_embedded_run_leaves_no_server_and_its_folder_is_swept(cluster_parent):
    tmp_path = cluster_parent
    env = {**os.environ, "LENS_PG_TMPDIR": str(tmp_path)}
    holder = subprocess.Popen([sys.executable, "-c", _HOLD], stdout=subprocess.PIPE, text=True, env=env)
    base = Path(holder.stdout.readline().strip())
    assert base.name.startswith("lens-pg-"), "the holder did not start its server"
    assert postgres_pids_for(str(base))
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 30
    while postgres_pids_for(str(base)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postgres_pids_for(str(base)) == [], "the server must die with its harness (parent-death signal)"
    assert base.is_dir()
    os.environ["LENS_PG_TMPDIR"] = str(tmp_path)
    try:
        with EmbeddedServer() as server:
            assert not base.exists() and server.base_dir.is_dir()
    finally:
        del os.environ["LENS_PG_TMPDIR"]
