"""Structural tests of docker-compose.test.yml, the Dockerfile and the CI workflow.

No Docker engine runs on these machines (and none in CI), so the compose stack is never
started here: these tests parse the files with PyYAML and check that the services, the
healthcheck, the dependency condition and the gate command are what reports/README.md
(and the project README, where it documents the compose file) say.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.test.yml"
DOCKERFILE = ROOT / "Dockerfile"
WORKFLOW = ROOT / ".github" / "workflows" / "gate.yml"
REPORTS_README = ROOT / "reports" / "README.md"

GATE_COMMAND = "lens-harness run --target dsn --allow-migrate --allow-writes"
GATE_DSN = "postgresql://postgres:${POSTGRES_PASSWORD:-postgres}@postgres:5432/postgres"
ENTRYPOINT = ROOT / "docker-entrypoint.sh"


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
    assert "-h 127.0.0.1" in test, "the init-time server listens on the socket only: check over TCP"
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
    assert "./reports:/src/reports" in gate["volumes"], "reports/<run-id>/ of each run lands in ./reports"
    assert gate["working_dir"] == "/src"


def test_gate_command_and_flags(compose):
    gate = compose["services"]["gate"]
    argv = _argv(gate["command"])
    assert argv == shlex.split(GATE_COMMAND)
    assert "--report-dir" not in argv, "no fixed folder: each run writes its own reports/<run-id>/"
    assert not any("postgresql://" in a for a in argv), "the DSN holds the password: never on a command line"
    assert gate["environment"]["LENS_DSN"] == GATE_DSN
    assert float(gate["environment"]["LENS_CONNECT_TIMEOUT"]) >= 30


def test_reports_readme_documents_the_same_command():
    text = REPORTS_README.read_text(encoding="utf-8")
    assert GATE_COMMAND in text
    assert "docker compose -f docker-compose.test.yml up --build --exit-code-from gate" in text


def test_project_readme_matches_when_it_documents_compose():
    readme = ROOT / "README.md"
    if not readme.is_file() or "docker-compose.test.yml" not in readme.read_text(encoding="utf-8"):
        pytest.skip("README.md does not document docker-compose.test.yml (yet)")
    text = readme.read_text(encoding="utf-8")
    for flag in ("--target dsn", "--allow-migrate", "--allow-writes", "LENS_DSN", "reports/<run-id>"):
        assert flag in text, f"README.md does not mention {flag} next to docker-compose.test.yml"


def test_dockerfile_installs_the_project():
    lines = [ln.strip() for ln in DOCKERFILE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    text = "\n".join(lines)
    assert re.search(r"pip install (-e )?\.", text)
    assert "USER lens" not in text, "the entrypoint drops root itself, for the uid that owns the mount"
    assert 'ENTRYPOINT ["docker-entrypoint.sh"]' in text
    for path in ("pyproject.toml", "harness", "sql", "suites", "docker-entrypoint.sh"):
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
    assert job["strategy"]["matrix"]["profile"] == ["smoke", "full"]  # a full-profile job
    assert job["env"]["LENS_PROFILE"] == "${{ matrix.profile }}"
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert len(upload) == 1
    assert upload[0]["if"] == "always()" and upload[0]["with"]["path"].rstrip("/") == "reports"
    (junit,) = [s for s in steps if "junit" in str(s.get("uses", ""))]
    assert junit["if"] == "always()" and junit["with"]["report_paths"] == "reports/ci/junit.xml"


@pytest.mark.skipif(os.geteuid() != 0, reason="the entrypoint drops root: needs root to run for real")
@pytest.mark.parametrize("owner", [1001, 0])
def test_entrypoint_runs_as_the_owner_of_the_mounted_folder(owner):
    """A CI runner's checkout (uid 1001 on GitHub) owns ./reports: the gate must write as that
    uid; a folder Docker created as root goes to the image's user instead (here: uid 1000 of
    `lens`, or `nobody` where no such user exists)."""
    tmp_path = Path(tempfile.mkdtemp(prefix="lens-entrypoint-"))  # reachable by the dropped uid
    tmp_path.chmod(0o755)
    reports = tmp_path / "reports"
    reports.mkdir()
    os.chown(reports, owner, owner)
    env = {**os.environ, "LENS_REPORTS": str(reports), "PATH": os.environ["PATH"]}
    script = ENTRYPOINT.read_text().replace("id -u lens", "id -u nobody").replace("id -g lens", "id -g nobody")
    (tmp_path / "entry.sh").write_text(script)
    cmd = ["sh", str(tmp_path / "entry.sh"), "sh", "-c", f"id -u > {reports}/who && touch {reports}/written"]
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        expected = owner if owner else pwd.getpwnam("nobody").pw_uid
        assert int((reports / "who").read_text()) == expected
        assert (reports / "written").stat().st_uid == expected
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
