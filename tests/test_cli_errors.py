"""A user mistake gets one line and a non-zero exit, never a traceback or a password."""

import os


from .conftest import run_cli


def _one_line_error(result, *needles):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def test_bad_dsn_redacts_the_password():
    line = _one_line_error(run_cli("migrate", "--dsn", "postgresql://lens:s3cr3t-pw@127.0.0.1:1/nowhere"),
                           "cannot connect", "postgresql://lens:***@127.0.0.1:1/nowhere")
    assert "s3cr3t-pw" not in line


def test_missing_binaries(tmp_path):
    _one_line_error(run_cli("migrate", "--pg-bin", str(tmp_path)), "not found", "--pg-bin")


def test_docker_absent():
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    _one_line_error(run_cli("migrate", "--target", "docker", env=env), "Docker is not available", "embedded")


def test_wrong_flag_is_a_usage_error():
    result = run_cli("migrate", "--target", "mainframe")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


def test_missing_sql_dir(tmp_path):
    _one_line_error(run_cli("migrate", "--sql-dir", str(tmp_path / "nope")), "does not exist")


def test_serve_refuses_a_public_bind_with_the_built_in_secret():
    """Anyone who reads the source could mint tokens for the seeded users (predictable ids)."""
    env = {k: v for k, v in os.environ.items() if k != "LENS_JWT_SECRET"}
    _one_line_error(run_cli("serve", "--host", "0.0.0.0", env=env), "built-in JWT secret", "LENS_JWT_SECRET")


def test_serve_bind_rule():
    import pytest

    from harness.errors import HarnessError
    from harness.sut.server import check_bind
    from harness.config import Settings

    for host in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"):
        check_bind(host, Settings.jwt_secret)
    check_bind("0.0.0.0", "a-secret-of-our-own-0123456789abcdef")
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.org"):
        with pytest.raises(HarnessError):
            check_bind(host, Settings.jwt_secret)


def test_api_url_without_the_database_it_uses_is_refused(tmp_path):
    """Your API cannot see a private embedded server: every HTTP check would blame it for rows
    it never had, so the run is refused before anything starts (with a report saying so)."""
    result = run_cli("run", "--api-url", "http://127.0.0.1:9/", "--quiet", "--report-dir", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "stopped at start: --api-url needs --dsn" in result.stderr
    assert "--api-url needs --dsn" in (tmp_path / "signoff.md").read_text()


def test_a_password_libpq_cannot_parse_is_still_redacted_everywhere(tmp_path):
    """A password pasted with spaces: the URL pattern and libpq both give up on it, and libpq's
    own error quotes it; the console and every report file must still mask it."""
    result = run_cli("run", "--quiet", "--dsn", "postgresql://qa:my secret pw@127.0.0.1:1/db",
                     "--report-dir", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "secret pw" not in result.stdout + result.stderr
    leaked = [p.name for p in tmp_path.rglob("*") if p.is_file() and "secret pw" in p.read_text(errors="replace")]
    assert leaked == []


def test_lens_dsn_alone_checks_that_server_not_an_embedded_one(tmp_path):
    """LENS_DSN names the server like --dsn does: never a PASS of a throwaway embedded server."""
    env = {**os.environ, "LENS_DSN": "postgresql://qa:s3cr3t-pw@127.0.0.1:1/staging"}
    env.pop("LENS_TARGET", None)
    result = run_cli("run", "--quiet", "--report-dir", str(tmp_path), env=env)
    assert result.returncode == 2, result.stderr
    assert "cannot connect to postgresql://qa:***@127.0.0.1:1/staging" in result.stdout + result.stderr
    assert '"target": "dsn"' in (tmp_path / "run.json").read_text()
