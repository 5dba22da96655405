"""Fixtures for the harness's own tests (the gate's suites live in suites/)."""

import subprocess
import sys

import pytest

from harness.provision.embedded import EmbeddedServer


@pytest.fixture
def spare_server():
    """A second embedded cluster playing an 'existing' server (e.g. staging) for DSN-mode tests."""
    with EmbeddedServer() as server:
        yield server


def run_cli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def postgres_pids_for(data_dir_fragment: str) -> list[int]:
    """PIDs of postgres processes whose command line mentions the cluster directory."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines()[1:]
            if "postgres" in line and data_dir_fragment in line]
