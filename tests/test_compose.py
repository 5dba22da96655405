"""Structural tests of docker-compose.test.yml, the Dockerfile and the CI workflow.

No Docker engine runs on these machines (and none in CI), so the compose stack is never
started here: these tests parse the files with PyYAML and check that the services, the
healthcheck, the dependency condition and the gate command are what reports/README.md
(and the project README, where it documents the compose file) say.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.test.yml"
DOCKERFILE = ROOT / "Dockerfile"
WORKFLOW = ROOT / ".github" / "workflows" / "gate.yml"
REPORTS_README = ROOT / "reports" / "README.md"

GATE_COMMAND = (
    "lens-harness run --target dsn "
    "--dsn postgresql://postgres:${POSTGRES_PASSWORD:-postgres}@postgres:5432/postgres "
    "--allow-migrate --allow-writes --report-dir /reports"
)


@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def test_compose_parses_and_has_the_two_services(compose):
    assert set(compose["services"]) == {"postgres", "gate"}


def test_postgres_service(compose):
    pg = compose["services"]["postgres"]
    assert pg["image"] == "postgres:15"
    env = pg["environment"]
    env = dict(e.split("=", 1) for e in env) if isinstance(env, list) else env
    assert env["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-postgres}"
    assert env.get("POSTGRES_USER", "postgres") == "postgres"
    hc = pg["healthcheck"]
    test = hc["test"]
    test = " ".join(test) if isinstance(test, list) else test
    assert "pg_isready" in test
    for key in ("interval", "timeout", "retries"):
        assert key in hc
    assert int(hc["retries"]) >= 5
    tmpfs = pg["tmpfs"]
    tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
    assert any(t.split(":")[0] == "/var/lib/postgresql/data" for t in tmpfs)


def test_gate_service_build_dependency_volume(compose):
    gate = compose["services"]["gate"]
    build = gate["build"]
    if isinstance(build, str):
        assert build == "."
    else:
        assert build.get("context", ".") == "." and build.get("dockerfile", "Dockerfile") == "Dockerfile"
    assert gate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "./reports:/reports" in gate["volumes"]


def test_gate_command_and_flags(compose):
    argv = _argv(compose["services"]["gate"]["command"])
    assert argv == shlex.split(GATE_COMMAND)
    assert argv[:2] == ["lens-harness", "run"]
    assert argv[argv.index("--target") + 1] == "dsn"
    dsn = argv[argv.index("--dsn") + 1]
    assert re.fullmatch(r"postgresql://postgres:\$\{POSTGRES_PASSWORD:-postgres\}@postgres:5432/postgres", dsn)
    assert "--allow-migrate" in argv and "--allow-writes" in argv
    assert argv[argv.index("--report-dir") + 1] == "/reports"


def test_reports_readme_documents_the_same_command():
    text = REPORTS_README.read_text(encoding="utf-8")
    assert GATE_COMMAND in text
    assert "docker compose -f docker-compose.test.yml up --build --exit-code-from gate" in text


def test_project_readme_matches_when_it_documents_compose():
    readme = ROOT / "README.md"
    if not readme.is_file() or "docker-compose.test.yml" not in readme.read_text(encoding="utf-8"):
        pytest.skip("README.md does not document docker-compose.test.yml (yet)")
    text = readme.read_text(encoding="utf-8")
    for flag in ("--target dsn", "--allow-migrate", "--allow-writes", "--report-dir /reports"):
        assert flag in text, f"README.md does not mention {flag} next to docker-compose.test.yml"


def test_dockerfile_installs_the_project():
    lines = [ln.strip() for ln in DOCKERFILE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    text = "\n".join(lines)
    assert re.search(r"pip install (-e )?\.", text)
    for path in ("pyproject.toml", "harness", "sql", "suites"):
        assert re.search(rf"^COPY .*\b{re.escape(path)}\b", text, re.M), f"{path} not copied"
    assert (ROOT / "pyproject.toml").is_file()


def test_ci_workflow_runs_the_gate_and_uploads_the_report():
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = wf.get("on", wf.get(True))  # PyYAML reads the bare key `on` as True
    assert triggers and "push" in triggers
    (job,) = wf["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    steps = job["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert re.search(r"apt-get install -y .*\bpostgresql\b", runs)
    assert re.search(r"pip install (-e )?\.", runs)
    assert "lens-harness run --report-dir reports/ci" in runs
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert len(upload) == 1
    assert upload[0]["if"] == "always()" and upload[0]["with"]["path"].rstrip("/") == "reports"
