"""The second implementation through the gate as a team runs it (issue 13): its Supabase-CLI
migrations on an existing server, its own API started as a separate process and spoken to through
the `envelope` profile (the load step too), `lens-harness run --dsn --api-url --api-profile envelope --load` exits 0 with no
--binding (the shipped implementation's binding is found from --sql-dir). A seeded copy exits 1
and the report names its defect. Two gate runs: the cheapest proof the whole path holds."""

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import psycopg
import pytest

from harness import migrate
from harness.config import Settings
from harness.implementations import EXAMPLES

from .conftest import run_cli

SECOND = EXAMPLES / "second_lens" / "supabase"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def second_api(spare_server):
    """The second lens migrated into a database of an 'existing' server, its API a child process
    (DSN and JWT secret by environment, as its README says)."""
    with psycopg.connect(spare_server.admin_dsn, autocommit=True) as conn:
        conn.execute("CREATE DATABASE second_lens")
    dsn = spare_server.dsn_for("second_lens")
    migrate.apply(dsn, SECOND)
    port = _free_port()
    env = {**os.environ, "SECOND_LENS_DSN": dsn, "SECOND_LENS_JWT_SECRET": Settings().jwt_secret}
    api = subprocess.Popen([sys.executable, "-m", "examples.second_lens.api", "--port", str(port)],
                           cwd=EXAMPLES.parent, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield dsn, url
    finally:
        api.terminate()
        api.wait(timeout=30)


def test_second_lens_passes_the_gate_through_its_own_api(second_api, tmp_path):
    dsn, url = second_api
    result = run_cli("run", "--dsn", dsn, "--allow-writes", "--sql-dir", str(SECOND), "--api-url", url,
                     "--api-profile", "envelope", "--load", "--report-dir", str(tmp_path), "--quiet", timeout=1800,
                     env={**os.environ, "LENS_LOAD_SECONDS": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((tmp_path / "run.json").read_text())["target"] == "dsn"
    assert "Verdict: PASS" in (tmp_path / "signoff.md").read_text()
    load = json.loads((tmp_path / "load" / "summary.json").read_text())  # the load step spoke envelope too
    assert load["requests"] > 0 and load["failures"] == 0 and load["invariants_valid"] is True


def test_a_seeded_copy_fails_naming_its_defect(tmp_path):
    """The missing-location_id copy: one conformance finding, exit 1, no setup errors."""
    result = run_cli("run", "--sql-dir", str(SECOND), "--mutant", str(EXAMPLES / "second_lens" / "mutants" /
                     "missing_location_id.yaml"), "--suites", "conformance,ledger", "--report-dir", str(tmp_path),
                     "--quiet", timeout=900)
    assert result.returncode == 1, result.stderr[-3000:]
    report = (tmp_path / "signoff.md").read_text()
    assert "pms_inventory_stock.location_id" in report and "§3" in report
    assert "blocked" in report.lower()
