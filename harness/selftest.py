"""Self-test: the mutation kill matrix.

The reference system must pass; each catalogued mutant must make at least one check fail.
One embedded server hosts a migrated template per variant; the suites run in a pytest
subprocess attached to it (the same path as the gate), and JUnit says which IDs failed.

Focused mode (default) runs, for each mutant, the test files that hold the IDs it names in
`expect_killed_by` (learned from the reference run's JUnit); `--all-suites` runs everything
against every mutant for the complete matrix.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import migrate, mutants
from harness.config import SUITES_DIR, SUITES_PYTEST_INI, Settings
from harness.errors import EXIT_GATE_FAILED, EXIT_OK
from harness.provision import janitor
from harness.provision.embedded import EmbeddedServer
from harness.report.junit import parse_junit

DEFAULT_SUITES = ("conformance", "schema", "rls", "ledger", "negative", "api", "concurrency", "reference", "surface")


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
                binding: str = "reference") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", *targets, "-q", "-c", str(SUITES_PYTEST_INI), f"--junitxml={junit}",
           f"--lens-attach={admin_dsn}", f"--lens-template={template}", f"--lens-sut={sut}",
           f"--lens-binding={binding}", "--rootdir", str(SUITES_DIR.parent)]
    if workers > 1:
        cmd += ["-n", str(workers), "--dist", "loadfile"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=SUITES_DIR.parent)


def _failures(junit: Path) -> tuple[list[str], dict[str, str], int]:
    """(failed IDs, ID -> test file of every test, number of tests)."""
    report = parse_junit(junit)
    if report is None:
        return [], {}, 0
    failed, files = [], {}
    for case in report.tests:
        for test_id in _test_ids(case):
            files.setdefault(test_id, case.file)
            if case.outcome in ("failed", "error") and test_id not in failed:
                failed.append(test_id)
    return failed, files, len(report.tests)


class SelfTest:
    def __init__(self, settings: Settings, out_dir: Path, suites=DEFAULT_SUITES, workers: int = 2, all_suites: bool = False):
        self.settings, self.out_dir, self.workers, self.all_suites = settings, Path(out_dir), workers, all_suites
        self.suite_paths = [str(SUITES_DIR / s) for s in suites if (SUITES_DIR / s).is_dir()]
        self.id_files: dict[str, str] = {}

    def _template(self, server: EmbeddedServer, name: str, sql_dir: Path) -> str:
        template = f"lens_tmpl_{name}"[:60]
        janitor.create_database(server.admin_dsn, template)
        migrate.apply(server.dsn_for(template), sql_dir)
        janitor.mark_template(server.admin_dsn, template)
        return template

    def _targets(self, mutant: mutants.Mutant) -> list[str]:
        if self.all_suites:
            return self.suite_paths
        files = sorted({self.id_files[i] for i in mutant.expect_killed_by if i in self.id_files})
        return [str(SUITES_DIR.parent / f) for f in files] or self.suite_paths

    def run_one(self, server: EmbeddedServer, mutant: mutants.Mutant | None) -> Outcome:
        name = mutant.name if mutant else "reference"
        outcome = Outcome(name, mutant.description if mutant else "the shipped system under test",
                          mutant.expect_killed_by if mutant else [])
        started = time.perf_counter()
        work = self.out_dir / name
        work.mkdir(parents=True, exist_ok=True)
        try:
            sql_dir = self.settings.sql_dir
            if mutant and mutant.touches_sql:
                sql_dir = mutants.materialize(mutant, sql_dir, Path(tempfile.mkdtemp(prefix=f"lens-mutant-{name}-")))
            template = self._template(server, name, sql_dir)
        except Exception as exc:  # noqa: BLE001 - reported as "could not run", never a kill
            outcome.error = f"mutant could not be applied: {str(exc).splitlines()[0][:200]}"
            outcome.seconds = round(time.perf_counter() - started, 1)
            return outcome
        targets = self.suite_paths if mutant is None else self._targets(mutant)
        proc = _run_pytest(server.admin_dsn, template, mutant.sut if mutant else self.settings.sut, targets,
                           work / "junit.xml", self.workers, self.settings.binding)
        (work / "pytest.log").write_text(proc.stdout + proc.stderr)
        failed, files, outcome.tests = _failures(work / "junit.xml")
        if mutant is None:
            self.id_files = files
        if proc.returncode not in (0, 1):
            outcome.error = f"pytest exit {proc.returncode} (see {work / 'pytest.log'})"
        outcome.killers = failed
        janitor.drop_database(server.admin_dsn, template)
        outcome.seconds = round(time.perf_counter() - started, 1)
        return outcome

    def run(self, selected: list[mutants.Mutant], progress=print) -> list[Outcome]:
        outcomes = []
        with EmbeddedServer(self.settings.pg_bin) as server:
            for mutant in [None, *selected]:
                outcome = self.run_one(server, mutant)
                outcomes.append(outcome)
                progress(_line(outcome, reference=mutant is None))
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
