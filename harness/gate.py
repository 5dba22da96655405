"""The gate: provision → migrate → evidence → suites → (load) → report, one exit code.

Exit 0 only when the sign-off verdict is PASS; 1 when the system under test failed a
criterion ("do not deploy"); 2 when the harness could not run (bad DSN, no binaries, ...).
The suites run in a pytest subprocess attached to the server provisioned here, so xdist,
JUnit and Allure behave exactly as in a developer's `pytest` run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from harness import __version__
from harness.config import Settings
from harness.errors import EXIT_GATE_FAILED, EXIT_OK, HarnessError
from harness.redact import redact_dsn

SUITES = ("conformance", "schema", "rls", "ledger", "negative", "api", "concurrency", "reference")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class GateOptions:
    suites: tuple[str, ...] = SUITES
    profile: str = "smoke"
    report_dir: Path | None = None
    workers: int = 2
    load: bool = False
    mutant: str | None = None
    pytest_args: list[str] = field(default_factory=list)
    quiet: bool = False


@dataclass
class GateRun:
    """What happened, step by step; serialised as run.json for the report."""

    settings: Settings
    options: GateOptions
    report_dir: Path
    run_id: str
    steps: list = field(default_factory=list)
    info: dict = field(default_factory=dict)
    console: Console = field(default_factory=lambda: Console(stderr=True))

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        record = {"name": name, "status": "running"}
        self.steps.append(record)
        try:
            if self.options.quiet:
                yield record
            else:
                with self.console.status(f"[bold]{name}[/bold] …"):
                    yield record
        except BaseException:
            record["status"] = "error"
            raise
        finally:
            record["seconds"] = round(time.perf_counter() - started, 2)
            if record["status"] == "running":
                record["status"] = "ok"
            if not self.options.quiet:
                colour = {"ok": "green", "failed": "red", "error": "red"}.get(record["status"], "yellow")
                self.console.print(f"[{colour}]{record['status']:>6}[/{colour}] {name} ({record['seconds']}s){record.get('note', '')}")
            self.write_run_json()

    def write_run_json(self) -> None:
        data = {
            "run_id": self.run_id, "harness_version": __version__, "target": self.settings.target,
            "sut": self.settings.sut, "mutant": self.options.mutant, "profile": self.options.profile,
            "suites": list(self.options.suites), "steps": self.steps, **self.info,
        }
        (self.report_dir / "run.json").write_text(redact_dsn(json.dumps(data, indent=2, default=str)))


def _new_report_dir(options: GateOptions) -> tuple[Path, str]:
    run_id = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report_dir = Path(options.report_dir) if options.report_dir else PROJECT_ROOT / "reports" / run_id
    report_dir.mkdir(parents=True, exist_ok=True)
    return report_dir.resolve(), run_id


def _postgres_version(dsn: str) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def _pytest_command(run: GateRun, attach_dsn: str | None) -> tuple[list[str], dict]:
    rd, opts, s = run.report_dir, run.options, run.settings
    paths = [str(PROJECT_ROOT / "suites" / name) for name in opts.suites if (PROJECT_ROOT / "suites" / name).is_dir()]
    cmd = [sys.executable, "-m", "pytest", *paths, "-q", "-rfE", "-p", "no:cacheprovider",
           f"--junitxml={rd / 'junit.xml'}", f"--alluredir={rd / 'allure-results'}",
           f"--lens-artifacts={rd}", f"--lens-profile={opts.profile}", f"--lens-sut={s.sut}",
           "-o", "junit_family=xunit1", "--rootdir", str(PROJECT_ROOT)]
    if opts.workers > 1:
        cmd += ["-n", str(opts.workers), "--dist", "loadfile"]
    env = {**os.environ}
    if attach_dsn:
        cmd += [f"--lens-attach={attach_dsn}"]
    else:  # an existing server: the plugin reads the DSN from the environment (keeps it out of ps/logs)
        env.update({"LENS_TARGET": "dsn", "LENS_DSN": s.dsn, "LENS_ALLOW_WRITES": "1" if s.allow_writes else "",
                    "LENS_SQL_DIR": str(s.sql_dir), "LENS_BASE_SCHEMA": str(s.base_schema or "")})
    if s.api_url:
        cmd += [f"--lens-api-url={s.api_url}"]
    return cmd + list(opts.pytest_args), env


def _run_suites(run: GateRun, attach_dsn: str | None) -> int:
    cmd, env = _pytest_command(run, attach_dsn)
    log = run.report_dir / "pytest.log"
    with open(log, "w") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT)
    log.write_text(redact_dsn(log.read_text(errors="replace")))
    return proc.returncode


def _summary_line(log: Path) -> str:
    lines = [l for l in log.read_text(errors="replace").splitlines() if l.strip()]
    return lines[-1].strip("= ") if lines else "no output"


def execute(settings: Settings, options: GateOptions) -> int:
    from harness import evidence
    from harness.provision import clone_for, prepare, provisioner_for
    from harness.report.inputs import consolidate_matrix
    from harness.report.signoff import write_signoff

    report_dir, run_id = _new_report_dir(options)
    run = GateRun(settings, options, report_dir, run_id)
    run.info["started"] = dt.datetime.now().isoformat(timespec="seconds")
    if options.mutant:
        from harness import mutants

        mutant = mutants.find(options.mutant)
        if mutant.touches_sql:
            settings = settings.with_(sql_dir=mutants.materialize(mutant, settings.sql_dir, Path(tempfile.mkdtemp(prefix="lens-mutant-"))))
        settings = settings.with_(sut=mutant.sut)
        run.settings = settings
    server = None
    try:
        with run.step("provision PostgreSQL") as step:
            server = provisioner_for(settings).start()
            step["note"] = f" — {settings.target}"
        with run.step("migrate"):
            template = prepare(server, settings)
            run.info["migrations"] = [m.as_dict() for m in template.migrations]
            if settings.target == "dsn" and not settings.allow_migrate and any(m.state == "pending" for m in template.migrations):
                run.info["pending_migrations_note"] = "verify-only: pending migrations were not applied"
        with run.step("evidence") as step:
            database = clone_for(server, template, "lens_gate_evidence")
            run.info["postgres_version"] = _postgres_version(database.dsn)
            run.info["dsn_redacted"] = database.redacted_dsn
            summary = evidence.write_bundle(database.dsn, report_dir / "evidence")
            if not summary["passed"]:
                step["status"] = "failed"
        with run.step(f"suites: {', '.join(options.suites)}") as step:
            code = _run_suites(run, None if settings.target == "dsn" else server.admin_dsn)
            step["note"] = f" — {_summary_line(report_dir / 'pytest.log')}"
            consolidate_matrix(report_dir)
            if code not in (0, 1):
                step["status"] = "error"
                raise HarnessError(f"the suites could not run (pytest exit {code}): see {report_dir / 'pytest.log'}")
            if code == 1:
                step["status"] = "failed"
        if options.load:
            with run.step("load (locust)") as step:
                from harness.load.gate_step import run_gate_load

                load_summary = run_gate_load(settings, database.dsn, report_dir / "load", options.profile)
                if not load_summary.get("invariants_valid", False):
                    step["status"] = "failed"
    finally:
        if server is not None:
            server.stop()
        run.info["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        run.write_run_json()
    with run.step("sign-off report"):
        verdict = write_signoff(report_dir)
    ok = verdict.passed
    run.console.print(f"[bold {'green' if ok else 'red'}]{'PASS' if ok else 'FAIL'}[/] — {report_dir / 'signoff.html'}")
    failed = [c for c in verdict.criteria if c.status == "fail"]
    for c in failed:
        run.console.print(f"  [red]✗[/red] {c.title}: {c.reason}")
    ran = [c for c in verdict.criteria if c.status != "not run"]
    print(f"gate criteria: {len(ran) - len(failed)} passed, {len(failed)} failed")  # plain line for CI logs
    return EXIT_OK if ok else EXIT_GATE_FAILED
