"""Self-test: the mutation kill matrix.

The reference system must pass; each catalogued mutant must make at least one check fail.
One embedded server hosts a migrated template per variant; the suites run in pytest attached
to it (the same path as the gate), and JUnit says which IDs failed.

Focused mode (default) is killers-first with early stop: for each mutant, pytest runs only the
tests carrying the IDs or test names of its `expect_killed_by` (found by collecting the suites)
and stops at the first failure (`-x`); only when none of them fails do all the suites run
(still stopping at the first failure). `--all-suites` runs everything against every mutant for
the complete matrix. The reference and the mutants run `--workers` at a time, the costly ones
first, each on a clone of its own migrated template (handler-only mutants reuse the
reference's), each in a fork of a warm pytest (harness/warm.py) that imported and collected
the suites once.
Why: the catalogue keeps growing and the self-test must stay minutes long; a kill needs one
failing check, not the whole gate, and most of a cold pytest's time went to starting up.
"""

from __future__ import annotations

import html
import json
import queue
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from harness import migrate, mutants
from harness.config import SUITES_DIR, SUITES_PYTEST_INI, Settings
from harness.errors import EXIT_GATE_FAILED, EXIT_OK
from harness.gate import SUITES
from harness.provision import janitor
from harness.provision.embedded import EmbeddedServer
from harness.report.junit import parse_junit
from harness.warm import WarmPytest

DEFAULT_SUITES = SUITES  # the gate's suites, in the gate's order
ROOT = SUITES_DIR.parent
REFERENCE = "the shipped system under test"
COMMON_ARGS = ["-q", "-c", str(SUITES_PYTEST_INI), "--rootdir", str(ROOT)]


@dataclass
class Outcome:
    name: str
    description: str
    expected: list
    killers: list = field(default_factory=list)   # IDs (or test names) that failed
    error: str | None = None                      # could not run (e.g. the mutant does not migrate)
    seconds: float = 0.0
    tests: int = 0

    @property
    def killed(self) -> bool:
        return bool(self.killers) and self.error is None

    def as_dict(self) -> dict:
        return {**self.__dict__, "killed": self.killed}


def _test_ids(case) -> list[str]:
    ids = [case.acceptance_id, case.negative_id]
    return [i for i in ids if i] or [case.name]


def _failures(junit: Path) -> tuple[list[str], int]:
    """(failed IDs or test names, number of tests)."""
    report = parse_junit(junit)
    if report is None:
        return [], 0
    failed = []
    for case in report.tests:
        for test_id in _test_ids(case):
            if case.outcome in ("failed", "error") and test_id not in failed:
                failed.append(test_id)
    return failed, len(report.tests)


def _id_tests(collected: Path) -> dict[str, list[str]]:
    """ID or test name (with and without its parameters) -> node ids of the tests carrying it,
    in collection order."""
    tests = defaultdict(list)
    for t in json.loads(collected.read_text()):
        for key in dict.fromkeys([*(t["ids"] or [t["name"]]), t["name"].split("[")[0]]):
            tests[key].append(t["nodeid"])
    return dict(tests)


class SelfTest:
    def __init__(self, settings: Settings, out_dir: Path, suites=DEFAULT_SUITES, workers: int = 2, all_suites: bool = False):
        self.settings, self.out_dir, self.workers, self.all_suites = settings, Path(out_dir), workers, all_suites
        self.suite_paths = [str(SUITES_DIR / s) for s in suites if (SUITES_DIR / s).is_dir()]
        self.id_tests: dict[str, list[str]] = {}
        self.reference_template: str | None = None
        self._prefixes: dict[int, str] = {}
        self._prefix_lock = threading.Lock()

    def _template(self, server: EmbeddedServer, name: str, sql_dir: Path, base: str | None = None) -> str:
        template = f"lens_tmpl_{name}"[:60]
        if base:
            janitor.clone_database(server.admin_dsn, base, template)
        else:
            janitor.create_database(server.admin_dsn, template)
        migrate.apply(server.dsn_for(template), sql_dir)
        janitor.mark_template(server.admin_dsn, template)
        return template

    def _base(self, server: EmbeddedServer, sql_dir: Path) -> str | None:
        """A template of the longest run of the reference's migrations that `sql_dir` leaves as
        they are (built once per length), so that a mutant's template applies only the rest:
        most mutants edit one of the last files or append one."""
        reference, mine = migrate.discover(self.settings.sql_dir), migrate.discover(sql_dir)
        same = 0
        while same < min(len(reference), len(mine)) and reference[same].path.name == mine[same].path.name \
                and reference[same].sha256 == mine[same].sha256:
            same += 1
        if same in (0, len(reference)):
            return self.reference_template if same else None
        with self._prefix_lock:
            if same not in self._prefixes:
                prefix = Path(tempfile.mkdtemp(prefix="lens-prefix-"))
                for m in reference[:same]:
                    shutil.copy(m.path, prefix)
                self._prefixes[same] = self._template(server, f"upto_{reference[same - 1].version}", prefix)
            return self._prefixes[same]

    def _killer_tests(self, mutant: mutants.Mutant) -> list[str]:
        """Node ids of the tests expected to kill it, in collection order."""
        wanted = {n for i in mutant.expect_killed_by for n in self.id_tests.get(i, [])}
        ordered = dict.fromkeys(n for ids in self.id_tests.values() for n in ids if n in wanted)
        return [str(ROOT / n) for n in ordered]

    def _cost(self, mutant: mutants.Mutant) -> int:
        """Rough order of a mutant's run, to start the long ones first: none expected (all the
        suites), then by how many test modules its killers span."""
        killers = self._killer_tests(mutant)
        return len(self.suite_paths) * 100 if not killers else len({k.split("::")[0] for k in killers})

    def _pytest(self, warm: WarmPytest, server, template: str, sut: str, targets: list[str], work: Path,
                stem: str, first_failure: bool, sql_dir: Path) -> tuple[int, Path]:
        """The suites on a clone of `template`. The variant's own migrations (`sql_dir`) and binding
        go along: tests that migrate a private server (the nemesis) or build data without a
        fixture (stress, load helpers: LENS_BINDING) must meet the same implementation."""
        junit = work / f"{stem}.xml"
        args = [*targets, *COMMON_ARGS, f"--junitxml={junit}", f"--lens-attach={server.admin_dsn}",
                f"--lens-template={template}", f"--lens-sut={sut}", f"--lens-binding={self.settings.binding}",
                f"--lens-sql-dir={sql_dir}", *(["-x"] if first_failure else [])]
        return warm.run(args, {"LENS_BINDING": self.settings.binding}, junit.with_suffix(".log")), junit

    def _attack(self, warm, server, mutant: mutants.Mutant, template: str, work: Path, sql_dir: Path) -> tuple[int, Path]:
        """Killers first, stop at the first failure; everything only if they all pass."""
        if self.all_suites:
            return self._pytest(warm, server, template, mutant.sut, self.suite_paths, work, "junit", False, sql_dir)
        killers = self._killer_tests(mutant)
        if killers:
            code, junit = self._pytest(warm, server, template, mutant.sut, killers, work, "junit-killers", True, sql_dir)
            if code != 0:
                return code, junit
        return self._pytest(warm, server, template, mutant.sut, self.suite_paths, work, "junit", True, sql_dir)

    def reference_part(self, server: EmbeddedServer, warm: WarmPytest, suite: str) -> Outcome:
        """One suite against the reference: the reference runs a suite a job, so that its
        longest suites spread over the workers like the mutants do."""
        started = time.perf_counter()
        work = self.out_dir / "reference" / Path(suite).name
        work.mkdir(parents=True, exist_ok=True)
        code, junit = self._pytest(warm, server, self.reference_template, self.settings.sut, [suite], work, "junit",
                                   False, self.settings.sql_dir)
        outcome = Outcome("reference", REFERENCE, [])
        outcome.killers, outcome.tests = _failures(junit)
        if code not in (0, 1, 5):  # 5: a suite with nothing to collect
            outcome.error = f"pytest exit {code} (see {junit.with_suffix('.log')})"
        outcome.seconds = round(time.perf_counter() - started, 1)
        return outcome

    def run_one(self, server: EmbeddedServer, warm: WarmPytest, mutant: mutants.Mutant) -> Outcome:
        outcome = Outcome(mutant.name, mutant.description, mutant.expect_killed_by)
        started = time.perf_counter()
        work = self.out_dir / mutant.name
        work.mkdir(parents=True, exist_ok=True)
        sql_dir, template = self.settings.sql_dir, self.reference_template
        try:
            if mutant.touches_sql:
                sql_dir = mutants.materialize(mutant, sql_dir, Path(tempfile.mkdtemp(prefix=f"lens-mutant-{mutant.name}-")))
                template = self._template(server, mutant.name, sql_dir, self._base(server, sql_dir))
        except Exception as exc:  # noqa: BLE001 - reported as "could not run", never a kill
            outcome.error = f"mutant could not be applied: {str(exc).splitlines()[0][:200]}"
            outcome.seconds = round(time.perf_counter() - started, 1)
            return outcome
        code, junit = self._attack(warm, server, mutant, template, work, sql_dir)
        outcome.killers, outcome.tests = _failures(junit)
        if code not in (0, 1):
            outcome.error = f"pytest exit {code} (see {junit.with_suffix('.log')})"
        if mutant.touches_sql:
            janitor.drop_database(server.admin_dsn, template)
        outcome.seconds = round(time.perf_counter() - started, 1)
        return outcome

    def _warm_servers(self, scratch: Path) -> list[WarmPytest]:
        """One warm pytest per worker, warming up at once; the first one's collection names the
        tests behind each ID."""
        servers = [WarmPytest([*self.suite_paths, *COMMON_ARGS], ROOT, scratch / f"collected-{i}.json",
                              self.out_dir / f"warm-{i}.log") for i in range(max(1, self.workers))]
        try:
            for warm in servers:
                warm.wait_ready()
        except BaseException:
            for warm in servers:
                warm.close()
            raise
        self.id_tests = _id_tests(scratch / "collected-0.json")
        return servers

    def run(self, selected: list[mutants.Mutant], progress=print) -> list[Outcome]:
        """The reference (a suite a job) and the mutants (costly ones first), `workers` at a time."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with EmbeddedServer(self.settings.pg_bin) as server, tempfile.TemporaryDirectory(prefix="lens-selftest-") as tmp:
            self.reference_template = self._template(server, "reference", self.settings.sql_dir)
            servers = self._warm_servers(Path(tmp))
            idle: queue.Queue[WarmPytest] = queue.Queue()
            for warm in servers:
                idle.put(warm)

            def on_a_server(work, *args):
                warm = idle.get()
                try:
                    return work(server, warm, *args)
                finally:
                    idle.put(warm)

            try:
                with ThreadPoolExecutor(len(servers)) as pool:
                    parts = [pool.submit(on_a_server, self.reference_part, suite) for suite in self.suite_paths]
                    jobs = [pool.submit(on_a_server, self.run_one, m) for m in sorted(selected, key=self._cost, reverse=True)]
                    pending = set(parts)
                    for job in as_completed([*parts, *jobs]):
                        pending.discard(job)
                        if job not in parts:
                            progress(_line(job.result()))
                        elif not pending:
                            reference = _merged([p.result() for p in parts])
                            progress(_line(reference, reference=True))
            finally:
                for warm in servers:
                    warm.close()
        return [reference, *sorted((j.result() for j in jobs), key=lambda o: o.name)]


def _merged(parts: list[Outcome]) -> Outcome:
    """The reference's outcome from its suites' (the time is the sum of theirs)."""
    return Outcome("reference", REFERENCE, [], [k for p in parts for k in p.killers],
                   next((p.error for p in parts if p.error), None), round(sum(p.seconds for p in parts), 1),
                   sum(p.tests for p in parts))


def _line(o: Outcome, reference: bool = False) -> str:
    if reference:
        verdict = "PASS" if not o.killers and not o.error else "FAIL"
        return f"{verdict:9} reference ({o.tests} tests, {o.seconds}s){': ' + ', '.join(o.killers) if o.killers else ''}"
    verdict = "killed" if o.killed else ("ERROR" if o.error else "SURVIVED")
    return f"{verdict:9} {o.name:42} by {', '.join(o.killers) or o.error or '-'} ({o.seconds}s)"


def write_matrix(outcomes: list[Outcome], out_dir: Path) -> tuple[Path, Path]:
    reference, rest = outcomes[0], outcomes[1:]
    rows = [(o.name, "killed" if o.killed else ("error" if o.error else "SURVIVED"), ", ".join(o.expected),
             ", ".join(o.killers) or (o.error or ""), o.description) for o in rest]
    md = ["# Mutation kill matrix", "",
          f"Reference: {'PASS' if not reference.killers and not reference.error else 'FAIL ' + ', '.join(reference.killers)}"
          f" ({reference.tests} tests). Mutants killed: {sum(o.killed for o in rest)}/{len(rest)}.", "",
          "| mutant | result | expected killers | caught by | defect |", "|---|---|---|---|---|"]
    md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    md_path = out_dir / "kill-matrix.md"
    md_path.write_text("\n".join(md) + "\n")
    cells = "".join(
        f"<tr class='{html.escape(r[1])}'>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    page = (f"<!doctype html><meta charset='utf-8'><title>Mutation kill matrix</title><style>body{{font-family:sans-serif}}"
            f"table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px}}.killed td:nth-child(2){{color:#070}}"
            f".SURVIVED td:nth-child(2),.error td:nth-child(2){{color:#b00;font-weight:bold}}</style>"
            f"<h1>Mutation kill matrix</h1><p>{html.escape(md[2])}</p><table><tr><th>mutant</th><th>result</th>"
            f"<th>expected killers</th><th>caught by</th><th>defect</th></tr>{cells}</table>")
    html_path = out_dir / "kill-matrix.html"
    html_path.write_text(page)
    (out_dir / "kill-matrix.json").write_text(json.dumps([o.as_dict() for o in outcomes], indent=2))
    return md_path, html_path


def exit_code(outcomes: list[Outcome]) -> int:
    reference, rest = outcomes[0], outcomes[1:]
    ok = not reference.killers and not reference.error and all(o.killed for o in rest)
    return EXIT_OK if ok else EXIT_GATE_FAILED
