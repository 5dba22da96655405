"""Self-test: the mutation kill matrix.

The reference system must pass; each catalogued mutant must make at least one check fail.
One embedded server hosts a migrated template per variant; the suites run in a pytest
subprocess attached to it (the same path as the gate), and JUnit says which IDs failed.

Focused mode (default) is killers-first with early stop: for each mutant, pytest runs only the
tests carrying the IDs or test names of its `expect_killed_by` (learned from the reference run's
JUnit) and stops at the first failure (`-x`); only when none of them fails do all the suites
run (still stopping at the first failure). Mutants run in parallel (`--workers` at a time, one
pytest process each), each on a clone of its own migrated template — handler-only mutants reuse
the reference's. `--all-suites` runs everything against every mutant for the complete matrix.
Why: the catalogue keeps growing; a kill needs one failing check, not the whole gate.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness import migrate, mutants
from harness.config import SUITES_DIR, SUITES_PYTEST_INI, Settings
from harness.errors import EXIT_GATE_FAILED, EXIT_OK
from harness.gate import SUITES
from harness.provision import janitor
from harness.provision.embedded import EmbeddedServer
from harness.report.junit import parse_junit

DEFAULT_SUITES = SUITES  # the gate's suites, in the gate's order


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


def _run_pytest(admin_dsn: str, template: str, sut: str, targets: list[str], junit: Path, workers: int,
                binding: str = "reference", first_failure: bool = False,
                sql_dir: Path | None = None) -> subprocess.CompletedProcess:
    """The suites on a clone of `template`. The variant's own migrations (`sql_dir`) and binding go
    along: tests that migrate a private server (the nemesis) or build data without a fixture
    (stress, load helpers: LENS_BINDING) must meet the same implementation as the template."""
    cmd = [sys.executable, "-m", "pytest", *targets, "-q", "-c", str(SUITES_PYTEST_INI), f"--junitxml={junit}",
           f"--lens-attach={admin_dsn}", f"--lens-template={template}", f"--lens-sut={sut}",
           f"--lens-binding={binding}", "--rootdir", str(SUITES_DIR.parent)]
    if sql_dir is not None:
        cmd.append(f"--lens-sql-dir={sql_dir}")
    if workers > 1:
        cmd += ["-n", str(workers), "--dist", "loadfile"]
    if first_failure:
        cmd += ["-x"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=SUITES_DIR.parent,
                          env={**os.environ, "LENS_BINDING": binding})


def _nodeid(case) -> str:
    """pytest node id of a JUnit case: file::[Class::]name."""
    module = case.file.removesuffix(".py").replace("/", ".")
    inner = case.classname[len(module) + 1:].split(".") if case.classname.startswith(module + ".") else []
    return "::".join([case.file, *inner, case.name])


def _failures(junit: Path) -> tuple[list[str], dict[str, list[str]], int]:
    """(failed IDs, ID or test name -> node ids of the tests carrying it, number of tests)."""
    report = parse_junit(junit)
    if report is None:
        return [], {}, 0
    failed, tests = [], defaultdict(list)
    for case in report.tests:
        for test_id in _test_ids(case):
            tests[test_id].append(_nodeid(case))
            if case.outcome in ("failed", "error") and test_id not in failed:
                failed.append(test_id)
        tests[case.name.split("[")[0]].append(_nodeid(case))
    return failed, dict(tests), len(report.tests)


class SelfTest:
    def __init__(self, settings: Settings, out_dir: Path, suites=DEFAULT_SUITES, workers: int = 2, all_suites: bool = False):
        self.settings, self.out_dir, self.workers, self.all_suites = settings, Path(out_dir), workers, all_suites
        self.suite_paths = [str(SUITES_DIR / s) for s in suites if (SUITES_DIR / s).is_dir()]
        self.id_tests: dict[str, list[str]] = {}
        self.reference_template: str | None = None

    def _template(self, server: EmbeddedServer, name: str, sql_dir: Path) -> str:
        template = f"lens_tmpl_{name}"[:60]
        janitor.create_database(server.admin_dsn, template)
        migrate.apply(server.dsn_for(template), sql_dir)
        janitor.mark_template(server.admin_dsn, template)
        return template

    def _killer_tests(self, mutant: mutants.Mutant) -> list[str]:
        """Node ids of the tests expected to kill it, in the reference run's order."""
        wanted = {n for i in mutant.expect_killed_by for n in self.id_tests.get(i, [])}
        ordered = dict.fromkeys(n for ids in self.id_tests.values() for n in ids if n in wanted)
        return [str(SUITES_DIR.parent / n) for n in ordered]

    def _attack(self, server, mutant: mutants.Mutant, template: str, work: Path,
                sql_dir: Path) -> tuple[subprocess.CompletedProcess, Path]:
        """Killers first, stop at the first failure; everything only if they all pass."""
        def pytest(targets, junit, first_failure=True):
            return _run_pytest(server.admin_dsn, template, mutant.sut, targets, junit, 1, self.settings.binding,
                               first_failure, sql_dir)

        if self.all_suites:
            return pytest(self.suite_paths, work / "junit.xml", first_failure=False), work / "junit.xml"
        killers = self._killer_tests(mutant)
        if killers:
            proc = pytest(killers, work / "junit-killers.xml")
            if proc.returncode != 0:
                return proc, work / "junit-killers.xml"
        return pytest(self.suite_paths, work / "junit.xml"), work / "junit.xml"

    def run_one(self, server: EmbeddedServer, mutant: mutants.Mutant | None) -> Outcome:
        name = mutant.name if mutant else "reference"
        outcome = Outcome(name, mutant.description if mutant else "the shipped system under test",
                          mutant.expect_killed_by if mutant else [])
        started = time.perf_counter()
        work = self.out_dir / name
        work.mkdir(parents=True, exist_ok=True)
        own_template = mutant is None or mutant.touches_sql
        sql_dir = self.settings.sql_dir
        try:
            if own_template:
                if mutant is not None:
                    sql_dir = mutants.materialize(mutant, sql_dir, Path(tempfile.mkdtemp(prefix=f"lens-mutant-{name}-")))
                template = self._template(server, name, sql_dir)
            else:
                template = self.reference_template
        except Exception as exc:  # noqa: BLE001 - reported as "could not run", never a kill
            outcome.error = f"mutant could not be applied: {str(exc).splitlines()[0][:200]}"
            outcome.seconds = round(time.perf_counter() - started, 1)
            return outcome
        if mutant is None:
            junit = work / "junit.xml"
            proc = _run_pytest(server.admin_dsn, template, self.settings.sut, self.suite_paths, junit, self.workers,
                               self.settings.binding, sql_dir=sql_dir)
        else:
            proc, junit = self._attack(server, mutant, template, work, sql_dir)
        (work / "pytest.log").write_text(proc.stdout + proc.stderr)
        failed, tests, outcome.tests = _failures(junit)
        if mutant is None:
            self.id_tests, self.reference_template = tests, template
        if proc.returncode not in (0, 1):
            outcome.error = f"pytest exit {proc.returncode} (see {work / 'pytest.log'})"
        outcome.killers = failed
        if mutant is not None and own_template:
            janitor.drop_database(server.admin_dsn, template)
        outcome.seconds = round(time.perf_counter() - started, 1)
        return outcome

    def run(self, selected: list[mutants.Mutant], progress=print) -> list[Outcome]:
        """The reference (all suites, xdist), then the mutants `workers` at a time."""
        with EmbeddedServer(self.settings.pg_bin) as server:
            reference = self.run_one(server, None)
            progress(_line(reference, reference=True))
            outcomes = [reference]
            with ThreadPoolExecutor(max(1, self.workers)) as pool:
                for outcome in pool.map(lambda m: self.run_one(server, m), selected):
                    outcomes.append(outcome)
                    progress(_line(outcome))
        return outcomes


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
