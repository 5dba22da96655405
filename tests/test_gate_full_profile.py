"""The sign-off profile end to end, in a file of its own so xdist runs it beside the other gate
tests (tests/test_gate_verdict.py) instead of after them."""

from __future__ import annotations

import json
import os
import re

import pytest

from .conftest import run_cli

pytestmark = pytest.mark.slow


def test_full_profile_with_live_progress_finishes_with_load_in_its_own_process(tmp_path):
    """The sign-off profile without --quiet (rich's live thread) once hung importing locust.
    Load is kept short by LENS_LOAD_SECONDS but runs for real, in a process of its own."""
    result = run_cli("run", "--profile", "full", "--report-dir", str(tmp_path), timeout=3000,
                     env={**os.environ, "LENS_LOAD_SECONDS": "5"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "full profile: the sign-off run" in result.stderr
    load = json.loads((tmp_path / "load" / "summary.json").read_text())
    assert load["requests"] > 0 and load["invariants_valid"] is True and load["provenance"]["sut"] == "reference"
    signoff = (tmp_path / "signoff.md").read_text()
    assert "Verdict: PASS — all" in signoff and "## Fuzzing" in signoff and "5xx responses: **0**" in signoff
    env = (tmp_path / "allure-results" / "environment.properties").read_text()
    assert "SUT=reference" in env and "Profile=full" in env and re.search(r"PostgreSQL=\d+", env)
    history = [json.loads(p.read_text())["historyId"] for p in (tmp_path / "allure-results").glob("*-result.json")]
    assert len(history) == len(set(history))  # no two results merged as "retries"
    junit = (tmp_path / "junit.xml").read_text()
    assert 'name="[A06] ' in junit and 'name="[N1] ' in junit
    assert not list(tmp_path.rglob("*gw[0-9]*"))  # evidence names carry no xdist worker id
