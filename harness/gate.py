"""The gate: provision → migrate → evidence → suites → (load) → report, one exit code.

Exit codes (docs/VERDICT.md): 0 every required criterion verified and passed; 1 a defect was
found ("do not deploy"); 2 the harness could not run or could not verify (bad DSN, pending
migrations, setup errors, a required criterion not verified); 130 interrupted. Every exit
writes the report; when the run stopped, run.json's ``stopped`` says where, why and the fix.

The gate decides the settings once and hands them, serialised, to every child process
(``LENS_SETTINGS_FILE``): the pytest run and its workers, the nemesis server inside it, and
the load step, which runs in its own process so that gevent is never imported here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from harness import __version__
from harness.config import SETTINGS_FILE_ENV, SUITES_DIR, SUITES_PYTEST_INI, Settings
from harness.errors import EXIT_INTERRUPTED, HarnessError
from harness.provision import leftovers, lifecycle, stale
from harness.redact import redact_dsn

SUITES = ("conformance", "schema", "rls", "ledger", "edges", "negative", "api", "concurrency", "reference", "surface",
          "properties")
BANNERS = {
    "smoke": "smoke profile: a quick check, NOT a sign-off (no load, small stress); use --profile full to sign off",
    "full": "full profile: the sign-off run (full stress sizes and a locust load step)",
}
VERIFY_ONLY_LOAD = "load commits writes and the DSN is verify-only (add --allow-writes to load it)"


@dataclass
class GateOptions:
    suites: tuple[str, ...] = SUITES
    profile: str = "smoke"
    report_dir: Path | None = None
    workers: int | None = None  # None: chosen from the measured RTT (harness/network.py)
    max_connections: int | None = None  # cap on the connections the suites may hold at once
    load: bool = False
    mutant: str | None = None
    pytest_args: list[str] = field(default_factory=list)
    quiet: bool = False
    force: bool = False
    require_writes: bool = False  # verify-only's unverified write checks make the run exit 2
    baseline: Path | None = None  # an approved run's report folder: the sign-off lists what changed since


class Stop(Exception):
    """The run cannot go on; ``reason`` and ``fix`` go into run.json and the report."""

    def __init__(self, reason: str, fix: str | None = None, target_lost: bool = False):
        super().__init__(reason)
        self.reason, self.fix, self.target_lost = reason, fix, target_lost


@dataclass
class GateRun:
    """What happened, step by step; serialised as run.json for the report."""

    settings: Settings
    options: GateOptions
    report_dir: Path
    run_id: str
    steps: list = field(default_factory=list)
    info: dict = field(default_factory=dict)
    server: object = None
    console: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    status: object = field(default=None, repr=False)  # the live line of the running step (rich Status)

    def progress(self, text: str) -> None:
        """Say how far the running step is: a full-profile step runs for minutes and must not
        look hung behind a bare spinner."""
        if self.status is not None:
            self.status.update(f"[bold]{escape(self.steps[-1]['name'])}[/bold] — {escape(text)}")

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        record = {"name": name, "status": "running"}
        self.steps.append(record)
        try:
            if self.options.quiet:
                yield record
            else:
                with self.console.status(f"[bold]{name}[/bold] …") as self.status:
                    yield record
        except BaseException as exc:
            record["status"] = "interrupted" if isinstance(exc, KeyboardInterrupt) else "error"
            raise
        finally:
            self.status = None
            record["seconds"] = round(time.perf_counter() - started, 1)
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
            "verify_only": self.settings.verify_only, "require_writes": self.options.require_writes,
            "sql_dir": str(self.settings.sql_dir), "suites": list(self.options.suites),
            "policy": {"file": self.settings.policy and str(self.settings.policy), "strict": self.settings.strict},
            "available_suites": sorted(p.name for p in SUITES_DIR.iterdir() if p.is_dir()
                                       and not p.name.startswith("_")),
            "baseline": str(self.options.baseline) if self.options.baseline else None,
            "steps": self.steps, **self.info,
        }
        (self.report_dir / "run.json").write_text(redact_dsn(json.dumps(data, indent=2, default=str)))


def new_run_id() -> str:
    """Time with milliseconds and a random suffix: two gates started together never share one."""
    now = dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}-{secrets.token_hex(3)}"


def claim_report_dir(chosen: Path | None, run_id: str, force: bool) -> Path:
    """A run is its own folder: a new ``reports/<run-id>``, or the user's folder when it is empty
    (or emptied with --force), so the report never reads evidence another run wrote."""
    report_dir = Path(chosen) if chosen else Path.cwd() / "reports" / run_id
    if report_dir.exists() and not report_dir.is_dir():
        raise HarnessError(f"--report-dir {report_dir} is a file: give a folder")
    if report_dir.is_dir() and any(report_dir.iterdir()):
        if not force:
            raise HarnessError(f"--report-dir {report_dir} is not empty: give an empty or new folder, "
                               "or add --force to empty it first")
        for child in report_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    report_dir.mkdir(parents=True, exist_ok=True)
    return report_dir.resolve()


def _postgres_version(dsn: str) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def _unreachable(dsn: str) -> str | None:
    """Why the target does not answer now (None when it does): after the suites, so that a
    server that went away mid-run is "could not verify", never a list of defects."""
    import psycopg

    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return redact_dsn(" ".join(str(exc).split())[:200])
    return None


def _child_env(settings_file: Path) -> dict:
    """The suites' environment: the settings file says it all (no LENS_ variable passes).  Each
    pytest process (one per worker: 8 on a far server) would otherwise compile the harness and
    rewrite the suites' asserts afresh whenever bytecode is not written (the image sets
    PYTHONDONTWRITEBYTECODE), ~1.3 s of CPU each: it is cached outside the source tree instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LENS_")}
    env[SETTINGS_FILE_ENV] = str(settings_file)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / f"lens-harness-pycache-{os.getuid()}"))
    return env


def _pytest_command(run: GateRun) -> list[str]:
    rd, opts = run.report_dir, run.options
    paths = [str(SUITES_DIR / name) for name in opts.suites if (SUITES_DIR / name).is_dir()]
    cmd = [sys.executable, "-m", "pytest", *paths, "-q", "-rfE", "-c", str(SUITES_PYTEST_INI),
           f"--junitxml={rd / 'junit.xml'}", f"--alluredir={rd / 'allure-results'}", "--rootdir", str(SUITES_DIR.parent)]
    workers = run.info["network"]["workers"]
    if workers > 1:
        cmd += ["-n", str(workers), "--dist", "loadgroup"]  # a module is one group unless it spreads (plugin.py)
    return cmd + list(opts.pytest_args)


def run_child(cmd: list[str], settings_file: Path, log: Path, grace: float = 60, tick=None) -> int:
    """Run a child in its own session with the settings file, calling ``tick()`` every second
    while it runs; on Ctrl-C / SIGTERM pass SIGINT on (it writes what it has and cleans up),
    then kill its whole group after ``grace``."""
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=_child_env(settings_file),
                                cwd=SUITES_DIR.parent, **lifecycle.child_kwargs())
        try:
            while True:
                try:
                    return proc.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    if tick is not None:
                        tick()
        except KeyboardInterrupt:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            raise
        finally:
            log.write_text(redact_dsn(log.read_text(errors="replace")))


def pytest_progress(results: Path) -> str:
    """How far the suites are: allure-pytest writes one ``*-result.json`` per finished test as it
    goes (pytest's own progress to a file is buffered until the end)."""
    done = sum(1 for p in results.glob("*-result.json")) if results.is_dir() else 0
    return f"{done} tests done" if done else "starting pytest …"


def _tail(log: Path, lines: int = 1) -> str:
    text = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()] if log.is_file() else []
    return " / ".join(ln.strip("= ") for ln in text[-lines:]) if text else "no output"


def _pending_stop(migrations) -> Stop:
    names = [m.path.name for m in migrations if m.state == "pending"]
    return Stop(f"{len(names)} migration(s) pending on the target: {', '.join(names)}",
                "the suites would test a schema that is not the one in --sql-dir: migrate the target "
                "(lens-harness migrate --dsn … --allow-migrate) or rerun with --allow-migrate")


def _measure_link(run: GateRun, dsn: str) -> None:
    """The RTT to the server and the workers it justifies: in run.json, the sign-off's
    environment and the console, with a warning in numbers when latency will set the pace."""
    from harness import network

    found = network.link(dsn, run.options.workers, run.options.max_connections)
    run.info["network"] = found.as_dict()
    note = f"RTT {found.rtt_ms} ms, {found.workers} worker(s): {found.reason}"
    if not run.options.quiet or found.warning():
        run.console.print(found.warning() or note, markup=False, highlight=False)


def _steps(run: GateRun, settings_file: Path) -> None:
    from harness import evidence, policy
    from harness.binding import AUTO, resolve
    from harness.provision import clone_for, prepare, provisioner_for
    from harness.report import plots
    from harness.report.allure import write_environment
    from harness.report.inputs import consolidate_parts

    settings, options, report_dir = run.settings, run.options, run.report_dir
    with run.step("provision PostgreSQL") as step:
        run.server = provisioner_for(settings).start()
        step["note"] = f" — {settings.target}"
    run.info["leftovers_warning"] = leftovers.warning(settings)
    if run.info["leftovers_warning"]:
        run.console.print(run.info["leftovers_warning"], markup=False, highlight=False)
    with run.step("migrate") as step:
        template = prepare(run.server, settings)
        run.info["migrations"] = [m.as_dict() for m in template.migrations]
        if any(m.state == "pending" for m in template.migrations):
            step["status"] = "error"
            raise _pending_stop(template.migrations)
    with run.step("evidence") as step:
        database = clone_for(run.server, template, "lens_gate_evidence")
        run.info["postgres_version"] = _postgres_version(database.dsn)
        run.info["dsn_redacted"] = database.redacted_dsn
        policy.check_catalog(policy.load(settings.policy), database.dsn)
        _measure_link(run, database.dsn)
        summary = evidence.write_bundle(database.dsn, report_dir / "evidence")
        if not summary["passed"]:
            step["status"] = "failed"
    with run.step("binding") as step:
        chosen = resolve(settings.binding, database.dsn)
        run.info["binding"] = {"name": chosen, "chosen_by": "catalog" if settings.binding == AUTO else "--binding"}
        step["note"] = f" — {chosen} ({'read from the catalog' if settings.binding == AUTO else 'as given'})"
        settings = settings.with_(binding=chosen)
    owned = settings.target != "dsn"
    run.settings = settings = settings.with_(attach=run.server.admin_dsn if owned else None,
                                             template=template.template, database=database.dsn)
    settings.dump(settings_file)
    with run.step(f"suites: {', '.join(options.suites)}") as step:
        plots.warm_up()
        log = report_dir / "pytest.log"
        code = run_child(_pytest_command(run), settings_file, log, tick=lambda: run.progress(pytest_progress(report_dir / "allure-results")))
        step["note"] = f" — {_tail(log)}"
        consolidate_parts(report_dir)
        write_environment(report_dir / "allure-results", {
            "SUT": settings.sut, "Target": settings.target, "PostgreSQL": run.info.get("postgres_version"),
            "RTT (ms)": run.info["network"]["rtt_ms"], "Workers": run.info["network"]["workers"],
            "Profile": options.profile, "Run": run.run_id, "Mutant": settings.mutant, "SQL dir": settings.sql_dir})
        lost = _unreachable(database.dsn)
        if lost:
            step["status"] = "error"
            raise Stop(f"the target stopped answering during the suites: the {settings.target} server "
                       f"{redact_dsn(database.dsn)} ({lost}); the tests that lost it verified nothing",
                       "find out why the server went away (its log; for a DSN the host and the network) and "
                       "rerun the gate", target_lost=True)
        if code not in (0, 1):
            step["status"] = "error"
            raise Stop(f"the suites could not run (pytest exit {code}): {_tail(log, 3)}",
                       "read pytest.log in the report folder (collection or configuration error)")
        if code == 1:
            step["status"] = "failed"
    if options.load and settings.verify_only:  # every load request commits: never on a verify-only DSN
        with run.step("load (locust, own process)") as step:
            step["status"], step["note"] = "skipped", f" — not verified: {VERIFY_ONLY_LOAD}"
            run.info["load_not_verified"] = VERIFY_ONLY_LOAD
    elif options.load:
        with run.step("load (locust, own process)") as step:
            out = report_dir / "load"
            out.mkdir(exist_ok=True)
            began = time.monotonic()
            code = run_child([sys.executable, "-m", "harness.load.gate_step", str(out)], settings_file,
                             out / "load.log", tick=lambda: run.progress(f"{time.monotonic() - began:.0f} s of load"))
            if code == 1:
                step["status"] = "failed"
            elif code != 0:
                step["status"] = "error"
                raise Stop(f"the load step could not run (exit {code}): {_tail(out / 'load.log', 2)}",
                           "read load/load.log in the report folder")


def _apply_mutant(settings: Settings, name: str) -> Settings:
    from harness import mutants

    mutant = mutants.find(name)
    if mutant.touches_sql:
        settings = settings.with_(sql_dir=mutants.materialize(mutant, settings.sql_dir, Path(tempfile.mkdtemp(prefix="lens-mutant-"))))
    return settings.with_(sut=mutant.sut, mutant=name)


NO_FIX = "correct what the line above names (its flag or LENS_* variable) and rerun"


def _record_stop(run: GateRun, reason: str, fix: str | None, target_lost: bool = False) -> None:
    step = next((s["name"] for s in reversed(run.steps) if s["status"] != "ok"), "start")
    run.info["stopped"] = {"step": step, "reason": reason, "fix": fix or NO_FIX, "target_lost": target_lost}


def _raise_interrupt(*_):
    raise KeyboardInterrupt


def refuse(options: GateOptions, exc: HarnessError) -> int:
    """A value refused before the run started (a flag, a LENS_* variable, a missing folder):
    the same report as any stop — run.json, signoff with the reason and the fix — and exit 2.
    Only a report folder that cannot be claimed leaves the one line alone."""
    run_id = new_run_id()
    try:
        report_dir = claim_report_dir(options.report_dir, run_id, options.force)
    except HarnessError:
        print(f"lens-harness: {redact_dsn(str(exc))}", file=sys.stderr)
        return exc.exit_code
    run = GateRun(Settings(), options, report_dir, run_id)
    run.info["refused"] = True
    run.console.print(f"[bold]{BANNERS.get(options.profile, options.profile)}[/bold] — run {run_id}")
    _record_stop(run, redact_dsn(str(exc)), exc.fix)
    return _finish(run, interrupted=False)


def execute(settings: Settings, options: GateOptions) -> int:
    run_id = new_run_id()
    report_dir = claim_report_dir(options.report_dir, run_id, options.force)
    if options.mutant:
        settings = _apply_mutant(settings, options.mutant)
    settings = settings.with_(run_id=run_id, profile=options.profile, artifacts=report_dir)
    run = GateRun(settings, options, report_dir, run_id)
    run.info["started"] = dt.datetime.now().isoformat(timespec="seconds")
    run.console.print(f"[bold]{BANNERS[options.profile]}[/bold] — run {run_id}")
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    # SIGINT interrupts (with a purge and a report) even when the gate was started with it ignored
    # (a background job of a script): whoever sends it means it
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    private = stale.private_dir(stale.SETTINGS_DIRS)  # removed below, or by the next run after a SIGKILL
    interrupted = False
    try:
        _steps(run, private / "settings.json")
    except (Stop, HarnessError) as exc:
        _record_stop(run, getattr(exc, "reason", str(exc)), getattr(exc, "fix", None), getattr(exc, "target_lost", False))
    except Exception as exc:  # noqa: BLE001 - a harness bug still ends in a report and exit 2
        _record_stop(run, f"unexpected {type(exc).__name__}: {exc}",
                     "a harness bug: report it with run.json and pytest.log of this folder")
    except KeyboardInterrupt:
        interrupted = True
        _record_stop(run, "interrupted (SIGINT/SIGTERM)", "rerun the gate; nothing of this run can be signed off")
    finally:
        _purge_run(run, interrupted)
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        shutil.rmtree(private, ignore_errors=True)
        if run.server is not None:
            run.server.stop()
    return _finish(run, interrupted)


def _finish(run: GateRun, interrupted: bool) -> int:
    """Judge what the run left, write the sign-off and say the verdict; the exit code."""
    from harness.report.junit import tidy
    from harness.report.signoff import write_signoff

    tidy(run.report_dir / "junit.xml", interrupted)  # CI reads the file, not our verdict
    run.info["interrupted"] = interrupted
    run.info["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    run.write_run_json()
    with run.step("sign-off report"):
        verdict = write_signoff(run.report_dir)
    run.info["verdict"] = {"label": verdict.label, "exit_code": verdict.exit_code, "line": verdict.line,
                           "not_verified_needs_writes": verdict.needs_writes,
                           "criteria": [{"key": c.key, "title": c.title, "status": c.status} for c in verdict.criteria],
                           "changes": [vars(ch) for ch in verdict.changes]}
    run.write_run_json()
    _print_verdict(run, verdict)
    return verdict.exit_code


def _purge_run(run: GateRun, interrupted: bool) -> None:
    """On a DSN with --allow-writes: remove whatever of this run is still there (children are
    stopped by now) and say so when interrupted or when anything was left."""
    try:
        purged = leftovers.purge_run(run.settings)
    except HarnessError as exc:
        purged = (1, f"could not purge run {run.run_id}: {exc} — lens-harness purge --dsn … --run {run.run_id}")
    if purged and (interrupted or purged[0]):
        run.info["purge"] = purged[1]
        run.console.print(("interrupted: " if interrupted else "") + purged[1], markup=False, highlight=False)


FIRST_CELLS = 10  # failed inventory cells named on the console (all of them are in the sign-off)


def _print_verdict(run: GateRun, verdict) -> None:
    from harness.report.criteria import BLOCKED, FAIL, NEEDS_WRITES, NOT_RUN, PASS, cell_line
    from harness.report.signoff import load_text

    def say(text: str) -> None:
        run.console.print(text, markup=False, highlight=False)

    colour = {0: "yellow" if verdict.verify_only else "green", 1: "red"}.get(verdict.exit_code, "yellow")
    run.console.print(f"[bold {colour}]{verdict.label}[/] (exit {verdict.exit_code}) — {run.report_dir / 'signoff.html'}")
    if verdict.stopped:
        say(f"  stopped at {verdict.stopped.get('step')}: {verdict.stopped.get('reason')}")
        if verdict.stopped.get("fix"):
            say(f"  fix: {verdict.stopped['fix']}")
    for c in verdict.criteria if not verdict.stopped else []:  # after a stop, nothing else ran
        if c.status != PASS:
            say(f"  {c.status:>12}: {c.title}: {c.reason}")
    cells = verdict.inventory.failed if verdict.inventory and not verdict.stopped else []
    if cells:
        say(f"  failed inventory cells ({min(len(cells), FIRST_CELLS)} of {len(cells)} shown; all in the sign-off):")
        for cell in cells[:FIRST_CELLS]:
            say(f"    {cell_line(cell)}")
    if verdict.changes:
        say(f"  changed since the baseline {run.options.baseline} ({len(verdict.changes)}; all in the sign-off):")
        for change in verdict.changes[:FIRST_CELLS]:
            say(f"    {change.text}")
    elif run.options.baseline:
        say(f"  no cell or criterion changed since the baseline {run.options.baseline}")
    if "load" in verdict.needs_writes:
        say(f"  {NEEDS_WRITES}: load step: {VERIFY_ONLY_LOAD}")
    if verdict.load_summary:
        say(f"  load: {load_text(verdict.load_summary)}")
    counts = {s: sum(1 for c in verdict.criteria if c.status == s) for s in (PASS, FAIL, BLOCKED, NOT_RUN, NEEDS_WRITES)}
    tests = verdict.counts
    print(f"tests: {tests.get('passed', 0)} passed of {sum(tests.values())}; gate criteria: {counts[PASS]} verified, "
          f"{counts[FAIL]} failed, {counts[BLOCKED]} blocked, {counts[NOT_RUN]} not verified, {counts[NEEDS_WRITES]} "
          f"{NEEDS_WRITES}; unmapped tests: {len(verdict.unmapped)}; exit {verdict.exit_code}")
