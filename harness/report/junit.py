"""Parse a pytest JUnit XML file into per-test results carrying the gate's IDs.

The harness plugin records ``acceptance_id`` (A01-A21), ``negative_id`` (N1-N8), ``suite``
(rls|ledger|concurrency|negative|api) and a few optional keys (``criterion``, ``five_xx``,
``expected_status``/``actual_status``/``expected_error``/``actual_error``, ``title``) as
``user_properties``; pytest writes them as ``<properties>`` of each ``<testcase>``.
Only the standard library is used (``xml.etree``); a missing or unreadable file yields
``None`` / an empty report, never an exception.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from harness.criteria import NEEDS_WRITES_PREFIX

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
COULD_NOT_RUN = "could not run"

_ACC_RE = re.compile(r"(?<![A-Za-z0-9])A(0[1-9]|1[0-9]|2[01])(?![0-9])")
_NEG_RE = re.compile(r"(?<![A-Za-z0-9])N([1-8])(?![0-9])")
# The target went away under the test (asyncpg's and libpq's words): the test verified nothing,
# and "do not deploy" would blame the system for a server that stopped answering.
TARGET_LOST = re.compile(r"Connect call failed|connection is closed|ConnectionDoesNotExistError|"
                         r"server closed the connection unexpectedly|the database system is shutting down|"
                         r"connection was closed in the middle of operation|Connection refused")


@dataclass
class TestResult:
    """One ``<testcase>``."""

    __test__ = False  # not a pytest test class

    classname: str
    name: str
    time: float = 0.0
    outcome: str = PASSED
    message: str = ""  # failure/error/skip message attribute
    text: str = ""  # failure/error body (traceback), trimmed
    file: str = ""
    properties: dict[str, list[str]] = field(default_factory=dict)

    def prop(self, key: str, default: str | None = None) -> str | None:
        values = self.properties.get(key)
        return values[-1] if values else default

    @property
    def nodeid(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name

    @property
    def acceptance_id(self) -> str | None:
        value = self.prop("acceptance_id")
        return _norm_acc(value) if value else None

    @property
    def negative_id(self) -> str | None:
        value = self.prop("negative_id")
        return _norm_neg(value) if value else None

    @property
    def suite(self) -> str | None:
        value = self.prop("suite")
        if value:
            return value
        # fall back on the path: suites/<suite>/test_x.py -> classname suites.<suite>.test_x
        parts = re.split(r"[./\\]", self.classname or self.file or "")
        if "suites" in parts:
            idx = parts.index("suites")
            if idx + 1 < len(parts):
                return parts[idx + 1]
        return None

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def failed(self) -> bool:
        return self.outcome in (FAILED, ERROR)

    @property
    def skip_reason(self) -> str:
        return self.message if self.outcome == SKIPPED else ""

    @property
    def blocked(self) -> bool:
        """Skipped because the target lacks something the contract requires (INTERFACES 2)."""
        return self.skip_reason.startswith("blocked: ")

    @property
    def needs_writes(self) -> bool:
        """Skipped because it must commit data and the DSN is verify-only."""
        return self.skip_reason.startswith(NEEDS_WRITES_PREFIX)

    @property
    def could_not_run(self) -> bool:
        """Errored outside the test body for a reason other than an assertion: the harness or
        the target could not set the test up, so it verified nothing (exit 2, not 1). The
        plugin tags the phase and exception; without the tag, pytest's own wording decides."""
        if self.target_lost:
            return True
        tag = self.prop("lens_error")
        if self.outcome == FAILED:  # in the body: only what the plugin tagged (an import error)
            return bool(tag) and ":could_not_run:" in tag
        if self.outcome != ERROR:
            return False
        if tag:
            return ":could_not_run:" in tag
        return not re.search(r"AssertionError|\bassert\b", self.message + self.text[:200])

    @property
    def target_lost(self) -> bool:
        """Failed because the connection to the target was refused or dropped."""
        return self.outcome in (FAILED, ERROR) and bool(TARGET_LOST.search(f"{self.message}\n{self.text[-3000:]}"))

    @property
    def is_defect(self) -> bool:
        return self.outcome in (FAILED, ERROR) and not self.could_not_run

    def short_reason(self, limit: int = 300) -> str:
        """The failure message (or the skip reason) on one line: every line of it up to
        ``limit``, so a message that lists what failed below its first line shows the list."""
        source = self.message or self.text or self.outcome
        lines = [ln.strip() for ln in source.splitlines() if ln.strip()] or [self.outcome]
        return textwrap.shorten(" / ".join(lines), limit, placeholder=" …")


@dataclass
class JUnitReport:
    tests: list[TestResult] = field(default_factory=list)
    path: Path | None = None

    def with_acceptance(self) -> list[TestResult]:
        return [t for t in self.tests if t.acceptance_id]

    def with_negative(self) -> list[TestResult]:
        return [t for t in self.tests if t.negative_id]

    def in_suite(self, suite: str) -> list[TestResult]:
        return [t for t in self.tests if t.suite == suite]

    def by_acceptance_id(self) -> dict[str, list[TestResult]]:
        out: dict[str, list[TestResult]] = {}
        for t in self.tests:
            if t.acceptance_id:
                out.setdefault(t.acceptance_id, []).append(t)
        return out

    def by_negative_id(self) -> dict[str, list[TestResult]]:
        out: dict[str, list[TestResult]] = {}
        for t in self.tests:
            if t.negative_id:
                out.setdefault(t.negative_id, []).append(t)
        return out

    @property
    def counts(self) -> dict[str, int]:
        counts = {PASSED: 0, FAILED: 0, ERROR: 0, SKIPPED: 0}
        for t in self.tests:
            counts[t.outcome] = counts.get(t.outcome, 0) + 1
        return counts


def _norm_acc(value: str) -> str:
    value = value.strip().upper()
    m = re.fullmatch(r"A?0*(\d{1,2})", value)
    return f"A{int(m.group(1)):02d}" if m else value


def _norm_neg(value: str) -> str:
    value = value.strip().upper()
    m = re.fullmatch(r"N?0*(\d{1,2})", value)
    return f"N{int(m.group(1))}" if m else value


def aggregate_outcome(results: list[TestResult]) -> str:
    """Outcome of an ID reported by several test cases (a parametrised group)."""
    if not results:
        return "not run"
    if any(r.outcome == ERROR and r.is_defect for r in results):
        return ERROR
    if any(r.outcome == FAILED and r.is_defect for r in results):
        return FAILED
    if any(r.could_not_run for r in results):  # a setup error or a lost target verified nothing
        return COULD_NOT_RUN
    if all(r.outcome == SKIPPED for r in results):
        return SKIPPED
    return PASSED


def _parse_case(case: ET.Element, inherited: dict[str, list[str]]) -> TestResult:
    props: dict[str, list[str]] = {k: list(v) for k, v in inherited.items()}
    for prop in case.iter("property"):
        name = prop.get("name")
        if name:
            value = prop.get("value")
            if value is None:
                value = (prop.text or "").strip()
            props.setdefault(name, []).append(value)
    try:
        time = float(case.get("time") or 0.0)
    except ValueError:
        time = 0.0
    result = TestResult(
        classname=case.get("classname") or "",
        name=case.get("name") or "",
        time=time,
        file=case.get("file") or "",
        properties=props,
    )
    for tag, outcome in ((ERROR, ERROR), ("failure", FAILED), (SKIPPED, SKIPPED)):
        el = case.find(tag)
        if el is not None:
            result.outcome = outcome
            result.message = (el.get("message") or "").strip()
            result.text = (el.text or "").strip()[-8000:]  # the end of a traceback says what failed
            break
    # Fallback when the plugin did not record IDs: an ID in the test name, e.g. test_A06_x / [N3]
    if "acceptance_id" not in props:
        m = _ACC_RE.search(result.name)
        if m:
            props["acceptance_id"] = [f"A{m.group(1)}"]
    if "negative_id" not in props:
        m = _NEG_RE.search(result.name)
        if m:
            props["negative_id"] = [f"N{m.group(1)}"]
    return result


def parse_junit(path: str | Path) -> JUnitReport | None:
    """Parse ``junit.xml``; ``None`` when the file is missing or is not XML."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    report = JUnitReport(path=path)
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        for case in suite.findall("testcase"):
            report.tests.append(_parse_case(case, {}))
    return report


def _synthetic(case: ET.Element, interrupted: bool) -> bool:
    """A case no test wrote: nameless (pytest's, for an interrupted session), or, after an
    interrupt, one without the criterion / unmapped property every collected test carries
    (xdist's "worker crashed" report, a module whose collection the ^C cut short)."""
    if not case.get("name") and not case.get("classname"):
        return True
    names = {p.get("name") for p in case.iter("property")}
    return interrupted and not names & {"criterion", "unmapped"}


def tidy(path: str | Path, interrupted: bool = False) -> int:
    """Make ``junit.xml`` say what a CI test view should show: each test's acceptance / negative
    ID in front of its name (``[A06] test_two_concurrent_consumes…``), and no synthetic
    ``<testcase>`` — an interrupt makes them at whatever phase it lands, and they are no tests: a
    CI view would count them and the verdict would call them unmapped. Returns the cases changed."""
    path = Path(path)
    try:
        tree = ET.parse(path)
    except (ET.ParseError, OSError):
        return 0
    changed = 0
    for suite in tree.getroot().iter("testsuite"):
        for case in [c for c in suite.findall("testcase") if _synthetic(c, interrupted)]:
            suite.remove(case)
            for count in ["tests", *(f"{c.tag}s" for c in case if c.tag in ("failure", "error", "skipped"))]:
                suite.set(count, str(max(0, int(suite.get(count) or 1) - 1)))
            changed += 1
    for case in tree.getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        test_id = props.get("acceptance_id") or props.get("negative_id")
        name = case.get("name") or ""
        if test_id and not name.startswith(f"[{test_id}]"):
            case.set("name", f"[{test_id}] {name}")
            changed += 1
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return changed
