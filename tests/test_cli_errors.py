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
