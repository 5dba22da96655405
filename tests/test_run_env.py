"""Every `run` flag has its LENS_* variable, checked like the flag; a value refused before the
run starts still writes a report with the fix (exit 2). Nothing here starts a server: each run
is refused (or stopped) before provisioning, which is also how what the gate resolved is read."""

from __future__ import annotations

import json
import os

import pytest

from harness import cli_env
from harness.cli import RUN_DEFAULTS, build_parser
from harness.errors import HarnessError

from .conftest import run_cli


def _env(**extra) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LENS_")}, **extra}


def _refused(tmp_path, *args, **env):
    result = run_cli("run", "--report-dir", str(tmp_path), *args, env=_env(**env))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    run = json.loads((tmp_path / "run.json").read_text())
    signoff = (tmp_path / "signoff.md").read_text()
    assert "NOT VERIFIED (exit 2" in signoff and "**Fix:**" in signoff and run["stopped"]["fix"]
    return result, run, signoff


def test_lens_profile_full_is_the_full_profile(tmp_path):
    """A run stopped before provisioning (its SQL folder is missing) records what it resolved."""
    result, run, _ = _refused(tmp_path, "--sql-dir", str(tmp_path / "missing"), LENS_PROFILE="full")
    assert run["profile"] == "full" and "full profile" in result.stderr
    assert "does not exist" in run["stopped"]["reason"]


@pytest.mark.parametrize("variable, value, words", [
    ("LENS_SUITES", "nosuch", "unknown suite(s) nosuch"),
    ("LENS_PROFILE", "fulll", "LENS_PROFILE='fulll' is not one of smoke, full"),
    ("LENS_WORKERS", "zero", "LENS_WORKERS='zero'"),
    ("LENS_QUIET", "maybe", "LENS_QUIET='maybe' is not a switch"),
    ("LENS_MUTANT", "no_such_mutant", "unknown mutant 'no_such_mutant'"),
])
def test_an_unknown_value_of_a_variable_is_refused_with_a_report(tmp_path, variable, value, words):
    result, run, signoff = _refused(tmp_path, **{variable: value})
    assert words in result.stderr and words in run["stopped"]["reason"]
    assert run["refused"] is True and words in signoff


def test_argument_errors_write_a_report_with_a_fix(tmp_path):
    result, run, _ = _refused(tmp_path / "p", "--profile", "nosuch")
    assert "argument --profile: invalid choice: 'nosuch'" in run["stopped"]["reason"] and "--help" in run["stopped"]["fix"]
    result, run, _ = _refused(tmp_path / "w", "--workers", "0")
    assert "argument --workers: '0' must be 1 or more" in run["stopped"]["reason"]
    result, run, _ = _refused(tmp_path / "a", "--suites", "nosuch")
    assert "LENS_SUITES" in run["stopped"]["fix"]
    result, run, _ = _refused(tmp_path / "b", "--pg-version", "17")
    assert "PostgreSQL 17 server binaries" in run["stopped"]["reason"]


def test_the_parser_is_the_table_and_the_flag_wins(monkeypatch, tmp_path):
    parser = build_parser()
    run = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "run")[1]
    monkeypatch.setenv("LENS_WORKERS", "3")
    monkeypatch.setenv("LENS_REPORT_DIR", str(tmp_path))
    monkeypatch.setenv("LENS_LOAD", "off")
    monkeypatch.setenv("LENS_MUTANT", "rls_parts_select_without_yacht")
    args = cli_env.apply(run, parser.parse_args(["run", "--workers", "1"]), RUN_DEFAULTS)
    assert (args.workers, args.report_dir, args.load, args.mutant, args.profile) == \
        (1, str(tmp_path), False, "rls_parts_select_without_yacht", "smoke")
    monkeypatch.setenv("LENS_FORCE", "yes")
    assert cli_env.apply(run, parser.parse_args(["run"]), RUN_DEFAULTS).force is True
    monkeypatch.setenv("LENS_ALLOW_WRITES", "perhaps")
    with pytest.raises(HarnessError, match="LENS_ALLOW_WRITES='perhaps' is not a switch"):
        cli_env.apply(run, parser.parse_args(["run"]), RUN_DEFAULTS)
    variables = {cli_env.variable(a.dest) for a in run._actions if a.option_strings and a.dest not in cli_env.NO_VARIABLE}
    assert {"LENS_PROFILE", "LENS_SUITES", "LENS_WORKERS", "LENS_REPORT_DIR", "LENS_MUTANT", "LENS_DSN"} <= variables


def test_the_suites_step_says_how_far_it_is(tmp_path):
    from harness.gate import pytest_progress

    results = tmp_path / "allure-results"
    assert pytest_progress(results) == "starting pytest …"
    results.mkdir()
    for n in range(3):
        (results / f"{n}-result.json").write_text("{}")
    (results / "x-container.json").write_text("{}")
    assert pytest_progress(results) == "3 tests done"


def test_a_connection_refusal_report_says_what_to_check(tmp_path):
    """The gate stopped at provisioning (exit 2) still writes the fix line; a refused password
    is told to check the user and password."""
    from harness.provision.dsn import _connect_fix

    result = run_cli("run", "--quiet", "--dsn", "postgresql://qa:hunter2@127.0.0.1:1/staging", "--report-dir",
                     str(tmp_path), env=_env())
    assert result.returncode == 2 and "hunter2" not in result.stderr
    run = json.loads((tmp_path / "run.json").read_text())
    assert "server is up" in run["stopped"]["fix"] and "**Fix:** check that the server is up" in (tmp_path / "signoff.md").read_text()
    assert "user and password" in _connect_fix('FATAL:  password authentication failed for user "qa"')
