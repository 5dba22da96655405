"""The sign-off verdict: every test judged under exactly one criterion (harness/criteria.py).

A criterion is *pass* (verified) only when all its tests ran and passed and its evidence
(checker results, matrix cells, expected-vs-actual codes) agrees; *fail* when any of its
tests failed or its evidence shows a defect; *blocked* when tests were skipped with a
``blocked: <finding>`` reason (the target lacks something the contract requires); *not
verified* when tests were skipped, could not run (setup errors) or none ran.

Exit codes (``Verdict.exit_code``), docs/VERDICT.md:
  1 a defect: any failed test anywhere, or a failed criterion;
  2 could not run / could not verify: the run stopped, a test is unmapped, a test errored
    outside its body for a reason other than an assertion, or a required criterion is not
    verified;
  0 otherwise: every required criterion verified and passed; on a verify-only DSN run
    (run.json ``verify_only``) a declared VERIFY-ONLY PASS: every required criterion passed
    except those whose only unverified tests must commit data (``not verified (needs
    --allow-writes)``, listed in the verdict line).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from harness.criteria import CRITERIA, NEEDS_WRITES_PREFIX, CriterionDef
from harness.errors import EXIT_INTERRUPTED

from .catalogue import (
    ACCEPTANCE,
    EXPLICIT_ARITY_HELPERS,
    LENS_TABLES,
    NEGATIVE,
)
from .inputs import Link, RunInputs, load_inputs, load_json
from .junit import COULD_NOT_RUN, ERROR, FAILED, PASSED, SKIPPED, TestResult, aggregate_outcome

PASS, FAIL, NOT_RUN, BLOCKED = "pass", "fail", "not verified", "blocked"
NOT_VERIFIED = NOT_RUN
NEEDS_WRITES = "not verified (needs --allow-writes)"  # a verify-only DSN run could not check it
ORDER = {FAIL: 0, BLOCKED: 1, NOT_RUN: 2, NEEDS_WRITES: 3, PASS: 4}  # failing criteria first
REQUIRED = tuple(c.key for c in CRITERIA if c.required)
SUITES_ROOT = Path(__file__).resolve().parent.parent.parent / "suites"

_OK_STEP = {"ok", "passed", "pass", "success", "succeeded", "done", "completed", "complete"}


def shorten(text: str, width: int = 240) -> str:
    """One line, cut at a word boundary (the full text is in the linked evidence)."""
    return textwrap.shorten(" ".join(str(text).split()), width, placeholder=" …") if text else ""


@dataclass
class Criterion:
    key: str
    title: str
    status: str  # pass | fail | blocked | not verified | not verified (needs --allow-writes)
    reason: str
    required: bool = False
    details: list[str] = field(default_factory=list)
    evidence: list[Link] = field(default_factory=list)
    tests: int = 0

    @property
    def ok(self) -> bool:
        return self.status == PASS

    @property
    def short(self) -> str:
        return self.key.replace("_", " ")


@dataclass
class IdRow:
    """One line of the A01-A21 or N1-N8 matrix."""

    id: str
    title: str
    status: str  # passed | failed | error | skipped | not run
    tests: list[str] = field(default_factory=list)
    reason: str = ""
    expected: str = ""
    actual: str = ""


@dataclass
class Verdict:
    passed: bool
    criteria: list[Criterion]
    reasons: list[str]
    acceptance: list[IdRow] = field(default_factory=list)
    negative: list[IdRow] = field(default_factory=list)
    report_dir: Path | None = None
    exit_code: int = 0
    unmapped: list[str] = field(default_factory=list)
    stopped: dict | None = None
    profile: str | None = None
    verify_only: bool = False
    needs_writes: list[str] = field(default_factory=list)  # criteria and steps a verify-only run skipped
    inventory: "Inventory | None" = None
    counts: dict[str, int] = field(default_factory=dict)  # tests by outcome (junit.xml)
    load_summary: dict | None = None
    changes: list = field(default_factory=list)  # since --baseline (harness/report/baseline.py)

    @property
    def label(self) -> str:
        if self.exit_code == 0 and self.verify_only:
            return "VERIFY-ONLY PASS"
        return {0: "PASS", 1: "FAIL", EXIT_INTERRUPTED: "INTERRUPTED"}.get(self.exit_code, "NOT VERIFIED")

    def names(self, status: str) -> list[str]:
        return [c.short for c in self.criteria if c.status == status]

    @property
    def line(self) -> str:
        """The verdict line at the top of the report."""
        unverified = f"not verified (needs --allow-writes): {', '.join(self.needs_writes)}"
        if self.exit_code == 0 and self.verify_only:
            n = sum(1 for c in self.criteria if c.status == PASS and c.required)
            tail = f"; {unverified}" if self.needs_writes else ""
            return (f"Verdict: VERIFY-ONLY PASS (exit 0, nothing written to the target) — {n} required criteria "
                    f"verified read-only and passed{tail}. Not a full sign-off: rerun with --allow-writes for that.")
        if self.exit_code == 0:
            n = sum(1 for c in self.criteria if c.status == PASS and c.required)
            kind = " (smoke: not a sign-off — no load, small stress)" if self.profile == "smoke" else ""
            return f"Verdict: PASS{kind} — all {n} required criteria verified and passed."
        head = {1: "Verdict: FAIL (exit 1, do not deploy)",
                EXIT_INTERRUPTED: "Verdict: INTERRUPTED (exit 130, nothing of this run can be signed off)"}.get(
            self.exit_code, "Verdict: NOT VERIFIED (exit 2, the harness could not run or could not verify)")
        return f"{head} — " + "; ".join(self.reasons + ([unverified] if self.needs_writes else []))

    def __bool__(self) -> bool:  # `if write_signoff(d): ...`
        return self.passed

    def criterion(self, key: str) -> Criterion:
        return next(c for c in self.criteria if c.key == key)


# ----------------------------------------------------------------------------- helpers

def _junit_links(inp: RunInputs) -> list[Link]:
    return inp.links("junit.xml", "allure-results")


def _fmt_test(t: TestResult) -> str:
    return f"{t.nodeid}: {t.outcome} — {t.short_reason()}" if not t.passed else t.nodeid


def _status_word(value) -> str:
    return str(value or "").strip().lower()


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


# ----------------------------------------------------------------------------- criteria

def crit_database(inp: RunInputs) -> Criterion:
    c = Criterion("database", "Database provisioned and migrated", NOT_RUN, "", required=True)
    run = inp.run
    c.evidence = inp.links("run.json")
    if run is None:
        c.reason = "run.json missing: no record of provisioning or migration"
        return c
    steps = [s for s in run.get("steps") or [] if isinstance(s, dict)]
    relevant = [s for s in steps if re.search(r"provision|migrat", str(s.get("name", "")), re.I)]
    migrations = [m for m in run.get("migrations") or [] if isinstance(m, dict)]
    if not migrations and inp.evidence:
        migrations = [m for m in inp.evidence.get("migrations") or [] if isinstance(m, dict)]
        if migrations:
            c.evidence += inp.links("evidence/summary.json")
    problems: list[str] = []
    for s in relevant:
        word = _status_word(s.get("status"))
        c.details.append(f"step {s.get('name')}: {s.get('status')} ({s.get('seconds', '?')} s)")
        if word not in _OK_STEP:
            problems.append(f"step '{s.get('name')}' did not complete ({s.get('status') or 'no status'})")
    if not relevant and not migrations:
        c.reason = "run.json records neither a provision/migrate step nor any migration"
        return c
    if not migrations:
        problems.append("no applied migration recorded")
    pending = [str(m.get("name") or m.get("version")) for m in migrations if m.get("state") == "pending"]
    if pending:
        problems.append(f"{len(pending)} pending (not applied): " + ", ".join(pending))
    missing_sha = [str(m.get("version") or m.get("name")) for m in migrations
                   if not re.fullmatch(r"[0-9a-fA-F]{64}", str(m.get("sha256") or ""))]
    if missing_sha:
        problems.append("migrations without a sha256 checksum: " + ", ".join(missing_sha))
    # Cross-check against what the database itself recorded (evidence bundle).
    if inp.evidence and run.get("migrations"):
        recorded = {str(m.get("version")): m.get("sha256") for m in inp.evidence.get("migrations") or []
                    if isinstance(m, dict)}
        for m in migrations:
            v = str(m.get("version"))
            if v in recorded and recorded[v] and m.get("sha256") and recorded[v] != m.get("sha256"):
                problems.append(f"migration {v}: checksum differs from the database's record")
    c.details.append(f"{_plural(len(migrations) - len(pending), 'migration')} applied with checksums")
    if problems:  # the schema under test is unknown: could not verify, not a defect of the target
        c.status, c.reason = NOT_RUN, "; ".join(problems)
    else:
        c.status = PASS
        c.reason = f"provisioned; {_plural(len(migrations), 'migration')} applied and checksummed"
    return c


def _table_name(row: dict) -> str:
    name = str(row.get("table") or row.get("name") or row.get("relname") or "")
    return name.split(".")[-1].strip('"')


def _helper_nargs(h: dict) -> int | None:
    for key in ("nargs", "pronargs", "arity", "n_args", "num_args"):
        if isinstance(h.get(key), int):
            return h[key]
    for key in ("args", "arguments", "identity_arguments", "argtypes"):
        if key in h:
            v = h[key]
            if isinstance(v, (list, tuple)):
                return len(v)
            if isinstance(v, str):
                return 0 if not v.strip() else len(v.split(","))
    sig = h.get("signature")
    if isinstance(sig, str) and "(" in sig:
        inner = sig[sig.index("(") + 1: sig.rindex(")")] if ")" in sig else ""
        return 0 if not inner.strip() else len(inner.split(","))
    return None


def crit_evidence(inp: RunInputs) -> Criterion:
    c = Criterion("evidence", "Evidence bundle: RLS, SECURITY DEFINER, helpers, drift", NOT_RUN, "",
                  required=True)
    ev = inp.evidence
    c.evidence = inp.links("evidence/summary.json") + [
        lk for lk in (inp.link(p) for p in inp.evidence_files if p.name != "summary.json") if lk]
    if ev is None:
        c.reason = "evidence/summary.json missing" + (
            " or unreadable" if (inp.report_dir / "evidence" / "summary.json").exists() else "")
        return c
    problems: list[str] = []

    # RLS on every table.
    rls = ev.get("rls")
    if not isinstance(rls, list) or not rls:
        problems.append("no RLS status recorded")
    else:
        rows = [r for r in rls if isinstance(r, dict)]
        off = [_table_name(r) for r in rows if r.get("rls_enabled") is not True]
        seen = {_table_name(r) for r in rows}
        absent = [t for t in LENS_TABLES if t not in seen]
        if off:
            problems.append("RLS disabled on " + ", ".join(off))
        if absent:
            problems.append("no RLS status for " + ", ".join(absent))
        c.details.append(f"RLS enabled on {len(rows) - len(off)}/{len(rows)} tables")

    # Every SECURITY DEFINER function pins search_path.
    sd = ev.get("security_definer")
    if not isinstance(sd, list):
        problems.append("SECURITY DEFINER functions not recorded")
    else:
        rows = [r for r in sd if isinstance(r, dict)]
        unpinned = [str(r.get("name")) for r in rows if r.get("search_path_pinned") is not True]
        if unpinned:
            problems.append("SECURITY DEFINER without pinned search_path: " + ", ".join(unpinned))
        c.details.append(f"{len(rows) - len(unpinned)}/{len(rows)} SECURITY DEFINER functions pin search_path")

    # No zero-argument overloads of the explicit-arity helpers.
    helpers = ev.get("helpers")
    if not isinstance(helpers, list):
        problems.append("helper signatures not recorded")
    else:
        zero: list[str] = []
        for h in helpers:
            if isinstance(h, str):
                m = re.match(r"\s*(?:\w+\.)?(\w+)\s*\(\s*\)", h)
                if m and m.group(1) in EXPLICIT_ARITY_HELPERS:
                    zero.append(m.group(1))
            elif isinstance(h, dict):
                name = str(h.get("name") or h.get("proname") or "").split(".")[-1]
                if h.get("zero_arg_overload") is True or (
                        name in EXPLICIT_ARITY_HELPERS and _helper_nargs(h) == 0):
                    zero.append(name)
        zero += [str(z) for z in ev.get("zero_arg_overloads") or []]
        if zero:
            problems.append("zero-argument helper overloads exist: " + ", ".join(sorted(set(zero))))
        c.details.append(f"{_plural(len(helpers), 'helper signature')} checked; "
                         f"{len(set(zero))} zero-argument overloads")

    # Policies are recorded as evidence; their names may vary (CONTRACT §10), their behaviour is
    # judged by the type-gating and storage tests (A15–A17, N1, N2, N8).
    policies = ev.get("policies")
    if isinstance(policies, list) and policies:
        c.details.append(f"{_plural(len(policies), 'policy')} recorded")

    # Drift.
    drift = ev.get("drift_rows")
    if not isinstance(drift, int) or isinstance(drift, bool):
        problems.append("drift not recorded")
    elif drift != 0:
        problems.append(f"check_inventory_drift() returned {drift} rows (expected 0)")
    else:
        c.details.append("check_inventory_drift(): 0 rows")

    if problems:
        c.status, c.reason = FAIL, "; ".join(problems)
    else:
        c.status, c.reason = PASS, ("RLS on every table, every SECURITY DEFINER function pinned, "
                                    "no zero-argument helper overloads, drift 0")
    return c


def acceptance_rows(inp: RunInputs) -> list[IdRow]:
    by_id = inp.junit.by_acceptance_id() if inp.junit else {}
    rows = []
    for aid, (theme, proves) in ACCEPTANCE.items():
        tests = by_id.get(aid, [])
        title = next((t.prop("title") for t in tests if t.prop("title")), None) or f"{theme}: {proves}"
        status = aggregate_outcome(tests)
        reason = ""
        bad = [t for t in tests if t.failed] or [t for t in tests if t.outcome == SKIPPED]
        if status != PASSED and bad:
            reason = bad[0].short_reason()
        rows.append(IdRow(aid, title, status, [t.nodeid for t in tests], reason))
    return rows


def crit_acceptance(inp: RunInputs, rows: list[IdRow]) -> Criterion:
    c = Criterion("acceptance", "Acceptance tests 21/21 (A01–A21)", NOT_RUN, "", required=True)
    c.evidence = _junit_links(inp)
    if inp.junit is None:
        c.reason = "junit.xml missing: acceptance tests not run"
        return c
    if not any(r.tests for r in rows):
        c.reason = "no acceptance test (A01–A21) in junit.xml"
        return c
    passed = [r for r in rows if r.status == PASSED]
    missing = [r.id for r in rows if r.status == "not run"]
    failed = [r for r in rows if r.status in (FAILED, ERROR)]
    skipped = [r.id for r in rows if r.status == SKIPPED]
    broken = [r for r in rows if r.status == COULD_NOT_RUN]
    problems = []
    if failed:
        problems.append("failed: " + ", ".join(f"{r.id} ({shorten(r.reason, 160)})" for r in failed))
    if broken:
        problems.append("could not run: " + ", ".join(f"{r.id} ({shorten(r.reason, 160)})" for r in broken))
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if skipped:
        problems.append("skipped: " + ", ".join(skipped))
    c.details = [f"{r.id}: {r.status}" + (f" — {r.reason}" if r.reason else "") for r in rows
                 if r.status != PASSED]
    if problems:
        c.status = FAIL if failed else NOT_RUN
        c.reason = f"{len(passed)}/21 passed; " + "; ".join(problems)
    else:
        c.status, c.reason = PASS, "21/21 passed"
    return c


def _status_of(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


# Codes that mean the same refusal (PostgREST maps SQLSTATE 42501 to 403 "forbidden").
_ERROR_ALIASES = {"42501": {"42501", "forbidden", "insufficient_privilege", "permission_denied"}}


def negative_rows(inp: RunInputs) -> list[IdRow]:
    by_id = inp.junit.by_negative_id() if inp.junit else {}
    rows = []
    for nid, (what, exp_status, exp_error) in NEGATIVE.items():
        tests = by_id.get(nid, [])
        status = aggregate_outcome(tests)

        def first(key: str) -> str:
            return next((_status_of(t.prop(key)) for t in tests if _status_of(t.prop(key))), "")

        e_status = first("expected_status") or exp_status
        e_error = first("expected_error") or exp_error
        a_status, a_error = first("actual_status"), first("actual_error")
        if not a_status and not a_error:
            a_status = first("actual")
        expected = " ".join(x for x in (e_status, e_error) if x)
        actual = " ".join(x for x in (a_status, a_error) if x)
        reason = ""
        if status in (FAILED, ERROR, SKIPPED, COULD_NOT_RUN):
            reason = next((t.short_reason() for t in tests if not t.passed), "")
        if status == PASSED and a_status and a_status != e_status:
            status, reason = FAILED, f"status {a_status}, expected {e_status}"
        elif status == PASSED and a_error and e_error and a_error not in _ERROR_ALIASES.get(e_error, {e_error}):
            status, reason = FAILED, f"error {a_error}, expected {e_error}"
        if not actual and status == PASSED:
            actual = "as expected (test passed)"
        title = next((t.prop("title") for t in tests if t.prop("title")), None) or what
        rows.append(IdRow(nid, title, status, [t.nodeid for t in tests], reason, expected, actual))
    return rows


def crit_negative(inp: RunInputs, rows: list[IdRow]) -> Criterion:
    c = Criterion("negative", "Negative controls N1–N8 (expected vs actual codes)", NOT_RUN, "",
                  required=True)
    c.evidence = _junit_links(inp) + inp.links("matrix/role_action.json")
    if inp.junit is None:
        c.reason = "junit.xml missing: negative controls not run"
        return c
    if not any(r.tests for r in rows):
        c.reason = "no negative control (N1–N8) in junit.xml"
        return c
    bad = [r for r in rows if r.status != PASSED]
    c.details = [f"{r.id}: expected {r.expected or '?'}, actual {r.actual or '—'} ({r.status})"
                 for r in rows]
    if bad:
        c.status = FAIL if any(r.status in (FAILED, ERROR) for r in bad) else NOT_RUN
        parts = []
        for r in bad:
            if r.status == "not run":
                parts.append(f"{r.id} missing")
            else:
                parts.append(f"{r.id} {r.status}: expected {r.expected}"
                             + (f", got {r.actual}" if r.actual else "")
                             + (f" ({shorten(r.reason, 160)})" if r.reason else ""))
        c.reason = f"{8 - len(bad)}/8 passed; " + "; ".join(parts)
    else:
        c.status, c.reason = PASS, "8/8 refused with the expected status and code"
    return c


def checker_sentences(res: dict, limit: int = 2) -> str:
    """The checker's own words for its first anomalies ("6 acknowledged decrements take 6 units
    but at most 5 were ever there"), one per kind."""
    anomalies = ((res.get("checker") or {}).get("anomalies") or {}) if isinstance(res.get("checker"), dict) else {}
    said = [f"{kind}: {items[0].get('message')}" for kind, items in anomalies.items()
            if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("message")]
    return "; ".join(said[:limit])


def crit_concurrency(inp: RunInputs, key: str = "concurrency") -> Criterion:
    """Checker results filed under criterion ``key`` (results without one are concurrency's)."""
    results = [(p, r) for p, r in inp.concurrency if (r.get("criterion") or "concurrency") == key]
    c = Criterion(key, "Concurrency: checker results valid", NOT_RUN, "", required=True)
    c.evidence = [lk for lk in (inp.link(p) for p, _ in results) if lk]
    c.evidence += [lk for lk in (inp.link(p.with_name(p.stem + ".history.jsonl")) for p, _ in results) if lk]
    if key == "concurrency":
        c.evidence += inp.links("load/summary.json")
    junit_tests = [t for t in inp.junit.tests if t.prop("criterion") == key] if inp.junit else []
    problems: list[str] = []
    for path, res in results:
        name = str(res.get("name") or path.stem)
        valid = res.get("valid")
        line = (f"{name}: valid={valid}, ops={res.get('ops', '?')}, winners={res.get('winners', '?')}")
        anomalies = res.get("anomalies")
        if anomalies:
            line += f", anomalies={', '.join(sorted(anomalies)) if isinstance(anomalies, dict) else anomalies}"
        c.details.append(line)
        if valid is True:
            continue
        explain = checker_sentences(res) or str(res.get("explain") or "").strip()
        if valid is False:
            problems.append(f"{name}: " + (shorten(explain) if explain else "checker result invalid"))
        else:
            problems.append(f"{name} result unknown" + (f": {shorten(explain)}" if explain else ""))
    if inp.load_summary is not None and key == "concurrency":
        inv = inp.load_summary.get("invariants_valid")
        c.details.append(
            "load: {requests} requests, {failures} failures, p95 {p95} ms, invariants_valid={inv}".format(
                requests=inp.load_summary.get("requests", "?"), failures=inp.load_summary.get("failures", "?"),
                p95=inp.load_summary.get("p95", "?"), inv=inv))
        if inv is False:
            problems.append("load run: invariants violated (stock/ledger)"
                            + (f": {shorten(inp.load_summary['explain'])}" if inp.load_summary.get("explain") else ""))
    if problems:
        c.status, c.reason = FAIL, "; ".join(problems)
        if junit_tests:
            c.evidence = c.evidence + _junit_links(inp)
        return c
    if not results:
        c.reason = "no checker results in concurrency/" + (
            f" ({len(junit_tests)} tests of this criterion in junit.xml, but no checker output)" if junit_tests else "")
        return c
    c.status = PASS
    c.reason = f"{_plural(len(results), 'checker result')} valid"
    if inp.load_summary is not None and inp.load_summary.get("invariants_valid") is True:
        c.reason += "; load invariants hold"
    return c


def _as_int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def crit_five_xx(inp: RunInputs) -> Criterion:
    c = Criterion("zero_5xx", "Zero 5xx responses", NOT_RUN, "")
    tests = []
    if inp.junit is not None:
        tests = [t for t in inp.junit.tests
                 if "five_xx" in t.properties or re.search(r"no_?5xx", t.name, re.I)]
    problems: list[str] = []
    counted = 0
    for t in tests:
        for v in t.properties.get("five_xx", []):
            n = _as_int(v)
            if n is None:
                continue
            counted += n
            if n:
                problems.append(f"{t.name}: {n} 5xx responses")
    rows = inp.matrix or []
    five = [r for r in rows if (_as_int(r.get("actual_status")) or 0) >= 500]
    for r in five:
        problems.append(f"matrix: {r.get('action')} as {r.get('actor')} answered {r.get('actual_status')}")
    fuzz = inp.fuzz or {}
    fuzz_5xx = _as_int(fuzz.get("five_xx")) or 0
    if fuzz_5xx:
        problems.append(f"fuzzing: {fuzz_5xx} 5xx responses")
    if fuzz.get("examples"):
        examples = fuzz["examples"]
        c.details.append(f"fuzz: {sum(examples.values())} examples over {len(examples)} endpoints "
                         f"(min {min(examples.values())} per endpoint), {fuzz_5xx} 5xx")
    c.evidence = (_junit_links(inp) if tests else []) + inp.links("matrix/role_action.json", "fuzz/summary.json")
    if not tests and not rows:
        c.reason = "no fuzz / no-5xx test and no role × action matrix in this run"
        return c
    c.details.append(f"{_plural(len(tests), 'no-5xx test')}; {_plural(len(rows), 'matrix request')}; "
                     f"{counted + len(five)} 5xx counted")
    per_endpoint = [f"{k[len('fuzz_examples['):-1]}: {v[-1]}" for t in tests for k, v in t.properties.items()
                    if k.startswith("fuzz_examples[") and v]
    if per_endpoint:
        c.details.append("fuzz examples per endpoint — " + "; ".join(per_endpoint))
    if problems:
        c.status, c.reason = FAIL, "; ".join(problems)
    elif tests and all(t.outcome == SKIPPED for t in tests) and not rows:
        c.reason = "no-5xx tests were skipped"
    else:
        c.status = PASS
        examples = (inp.fuzz or {}).get("examples") or {}
        c.reason = "no 5xx in " + " and ".join(
            x for x in ((f"{sum(examples.values())} fuzz examples over {len(examples)} endpoints "
                         f"(at least {min(examples.values())} each)" if examples else ""),
                        (f"{_plural(len(tests), 'fuzz/no-5xx test')}" if tests else ""),
                        (f"{_plural(len(rows), 'matrix request')}" if rows else "")) if x)
    return c


FIRST_SURFACES = ("table", "view")
SURFACE_COUNTS = ("cells", "verified", "declared", "failed", "observed", "not run")
OBSERVED = ("observed: the contract leaves this choice to the team (§11), so the harness records what the "
            "target did and neither passes nor fails it; a project declares its choice as the lowest tier "
            "allowed in lens-policy.yaml beside its migrations (--policy / LENS_POLICY, docs/POLICY.md), and "
            "the cell is then verified against it (declared); --strict makes an observed cell NOT VERIFIED")


@dataclass
class Inventory:
    """The attack-surface matrix of a run: counts per surface and every failed cell."""

    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    failed: list[dict] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def cell_label(cell: dict) -> str:
    """surface:target:role:operation:scope — the words the surface tests fail with."""
    return ":".join(str(cell.get(k, "?")) for k in ("surface", "target", "role", "operation", "scope"))


def cell_line(cell: dict) -> str:
    got = " ".join(str(x) for x in (cell.get("actual"), cell.get("detail")) if x)
    return f"{cell_label(cell)}: expected {cell.get('expected')}, got {got or 'nothing (not run)'} ({cell.get('rule')})"


def inventory(inp: RunInputs) -> Inventory:
    inv = Inventory(files=sorted((inp.report_dir / "surface").glob("*.json")))
    for f in inv.files:
        data = load_json(f, inp.problems) or {}
        for kind, row in (data.get("summary") or {}).items():
            into = inv.totals.setdefault(kind, dict.fromkeys(SURFACE_COUNTS, 0))
            for key, n in row.items():
                into[key] = into.get(key, 0) + (_as_int(n) or 0)
        inv.failed += [c for c in data.get("cells") or [] if isinstance(c, dict)
                       and c.get("verdict") in ("failed", "not run")]
    inv.failed.sort(key=lambda c: c.get("surface") not in FIRST_SURFACES)  # plain table/view access first
    return inv


def crit_surface(inp: RunInputs, inv: Inventory) -> Criterion:
    """The attack-surface inventory's matrix (surface/*.json, one file per surface and worker):
    cells per surface, verified / failed / observed (the contract is silent on those)."""
    c = Criterion("surface", "Attack-surface inventory", NOT_RUN, "")
    c.evidence = inp.links(*inv.files)
    if not inv.totals:
        c.reason = "no inventory matrix (surface/*.json) in this run"
        return c
    for kind, row in sorted(inv.totals.items()):
        c.details.append(f"{kind}: {row.get('cells', 0)} cells — {row.get('verified', 0)} verified "
                         f"({row.get('declared', 0)} by the policy), {row.get('failed', 0)} failed, "
                         f"{row.get('observed', 0)} observed")
    failed = sum(r.get("failed", 0) + r.get("not run", 0) for r in inv.totals.values())
    cells = sum(r.get("cells", 0) for r in inv.totals.values())
    observed = sum(r.get("observed", 0) for r in inv.totals.values())
    policy = (inp.run or {}).get("policy") or {}
    c.status = FAIL if failed else PASS
    c.reason = f"{cells} inventory cells, {failed} failed"
    if inv.failed:
        c.reason += ": " + "; ".join(cell_line(cell) for cell in inv.failed[:3]) + (" …" if len(inv.failed) > 3 else "")
    if observed:
        where = policy.get("file") or "lens-policy.yaml beside your migrations (docs/POLICY.md)"
        c.reason += (f", {observed} observed: the contract is silent and your policy does not declare them; "
                     f"declare them in {where}")
        if policy.get("strict") and not failed:
            c.status, c.reason = NOT_RUN, f"--strict: {c.reason}"
    return c


def crit_matrix(inp: RunInputs) -> Criterion:
    c = Criterion("role_action", "Role × action matrix matches CONTRACT §7", NOT_RUN, "")
    c.evidence = inp.links("matrix/role_action.json")
    rows = inp.matrix
    if rows is None:
        c.reason = "matrix/role_action.json missing"
        return c
    if not rows:
        c.reason = "matrix/role_action.json is empty"
        return c
    bad = [r for r in rows if r.get("pass") is not True]
    if bad:
        c.status = FAIL
        c.reason = f"{len(bad)} of {len(rows)} cells differ: " + "; ".join(
            f"{r.get('action')} as {r.get('actor')}"
            + ("" if r.get("signed") is None else (" signed" if r.get("signed") else " unsigned"))
            + f": expected {r.get('expected_status')} {r.get('expected_error') or ''}".rstrip()
            + f", got {r.get('actual_status')} {r.get('actual_error') or ''}".rstrip()
            for r in bad[:6])
    else:
        c.status, c.reason = PASS, f"all {len(rows)} cells as expected"
    return c


def _available_suites(inp: RunInputs) -> set[str]:
    recorded = (inp.run or {}).get("available_suites")
    if isinstance(recorded, list):
        return set(map(str, recorded))
    return {p.name for p in SUITES_ROOT.iterdir() if p.is_dir()} if SUITES_ROOT.is_dir() else set()


def _applicable(cdef: CriterionDef, available: set[str]) -> bool:
    """Required marker criteria always apply (their absence is news); an optional one only when
    its tests ran; a path criterion only when its suite exists in this project (rows are
    pre-registered for suites not every project has)."""
    if cdef.markers:
        return cdef.required
    return not cdef.paths or any(p.split("/")[0] in available for p in cdef.paths)


def _unique(reasons) -> list[str]:
    return list(dict.fromkeys(r for r in reasons if r))


def judge(cdef: CriterionDef, tests: list[TestResult], extra: Criterion | None = None) -> Criterion:
    """The one rule: ran and passed -> pass; any defect -> fail; blocked / skipped / could not
    run / nothing ran -> blocked or not verified, with the reasons."""
    c = Criterion(cdef.key, cdef.title, NOT_RUN, "", required=cdef.required, tests=len(tests))
    if extra is not None:
        c.details, c.evidence = list(extra.details), list(extra.evidence)
    defects = [t for t in tests if t.is_defect]
    broken = [t for t in tests if t.could_not_run]
    blocked = [t for t in tests if t.blocked]
    skipped = [t for t in tests if t.outcome == SKIPPED and not t.blocked]
    c.details += [_fmt_test(t) for t in defects + broken]
    n = len(tests)
    if defects or (extra is not None and extra.status == FAIL):
        c.status = FAIL
        parts = [extra.reason] if extra is not None and extra.status == FAIL else []
        if defects:
            parts.append(f"{len(defects)} of {n} tests failed: " + "; ".join(
                f"{t.name} — {t.short_reason(200)}" for t in defects[:3]) + (" …" if len(defects) > 3 else ""))
        c.reason = "; ".join(parts)
    elif broken:
        c.reason = f"{len(broken)} of {n} tests could not run: " + "; ".join(
            _unique(f"{t.short_reason(200)}" for t in broken)[:3])
    elif blocked:
        c.status = BLOCKED
        c.reason = f"{len(blocked)} of {n} tests blocked: " + "; ".join(
            _unique(t.skip_reason[len("blocked: "):] for t in blocked))
    elif skipped and all(t.needs_writes for t in skipped):
        c.status = NEEDS_WRITES
        c.reason = (f"{len(skipped)} of {n} tests must commit data and the DSN is verify-only"
                    + (f" ({n - len(skipped)} passed read-only)" if n > len(skipped) else "") + ": "
                    + "; ".join(_unique(t.skip_reason[len(NEEDS_WRITES_PREFIX):] for t in skipped)[:3]))
    elif skipped:
        c.reason = f"{len(skipped)} of {n} tests skipped: " + "; ".join(_unique(t.skip_reason for t in skipped)[:3])
    elif not tests:
        c.reason = "no test of this criterion ran in this run"
    elif extra is not None and extra.status != PASS:
        c.reason = extra.reason
    else:
        c.status = PASS
        c.reason = f"all {n} tests passed" + (f"; {extra.reason}" if extra is not None and extra.reason else "")
    return c


def evaluate(report_dir: str | Path | RunInputs) -> Verdict:
    """Judge a report directory. Never raises on missing or malformed inputs."""
    inp = report_dir if isinstance(report_dir, RunInputs) else load_inputs(report_dir)
    inv = inventory(inp)
    acc = acceptance_rows(inp)
    neg = negative_rows(inp)
    steps = {"database": crit_database(inp), "evidence": crit_evidence(inp)}
    extras = {"acceptance": crit_acceptance(inp, acc), "negative": crit_negative(inp, neg),
              "concurrency": crit_concurrency(inp), "atomic_functions": crit_concurrency(inp, "atomic_functions"),
              "zero_5xx": crit_five_xx(inp), "role_action": crit_matrix(inp), "surface": crit_surface(inp, inv)}
    tests = inp.junit.tests if inp.junit else []
    by_key: dict[str, list[TestResult]] = {}
    for t in tests:
        by_key.setdefault(t.prop("criterion") or "", []).append(t)
    known = {c.key for c in CRITERIA}
    unmapped = [f"{t.nodeid}: {t.prop('unmapped') or 'no criterion recorded'}"
                for key, group in by_key.items() if key not in known for t in group]
    available = _available_suites(inp)
    criteria = []
    for cdef in CRITERIA:
        if not cdef.from_tests:
            c = steps[cdef.key]
            c.title, c.required = cdef.title, cdef.required
        elif _applicable(cdef, available) or cdef.key in by_key:
            c = judge(cdef, by_key.get(cdef.key, []), extras.get(cdef.key))
        else:
            continue
        criteria.append(c)
    criteria.sort(key=lambda c: ORDER.get(c.status, 9))
    run = inp.run or {}
    stopped = run.get("stopped") if isinstance(run.get("stopped"), dict) else None
    defect_tests = [t for key, group in by_key.items() if key not in known for t in group if t.is_defect]
    failed = [c for c in criteria if c.status == FAIL]
    reasons: list[str] = []
    interrupted = run.get("interrupted") is True
    lost = bool(stopped and stopped.get("target_lost"))  # failures after the target went away prove nothing
    if failed and not interrupted and not lost:  # an interrupted test's failure is the interrupt's, not the target's
        reasons.append("failed: " + "; ".join(c.title for c in failed))
    if defect_tests and not interrupted and not lost:
        reasons.append(f"{len(defect_tests)} unmapped tests failed")
    if stopped:
        reasons.append(f"stopped at {stopped.get('step')}: {stopped.get('reason')}")
    if unmapped:
        reasons.append(f"{len(unmapped)} tests belong to no criterion (add a row to harness/criteria.py)")
    verify_only = run.get("verify_only") is True
    needs_writes = [c.short for c in criteria if c.status == NEEDS_WRITES]
    needs_writes += [step for step in ("load",) if run.get(f"{step}_not_verified")]
    for status, word in ((BLOCKED, "blocked"), (NOT_RUN, "not verified")):
        names = [c.short for c in criteria if c.status == status and c.required]
        if not verify_only:  # only a verify-only run may leave write-needing checks out
            names += [c.short for c in criteria if c.status == NEEDS_WRITES and c.required]
        if names:
            reasons.append(f"{word}: " + ", ".join(names))
    if verify_only and not any(c.status == PASS and c.tests for c in criteria):
        reasons.append("no criterion could be verified read-only")
    if verify_only and needs_writes and run.get("require_writes") is True:
        reasons.append("--require-writes: a verify-only run cannot give the full verdict")
    code = EXIT_INTERRUPTED if interrupted else 2 if lost else 1 if failed or defect_tests else (2 if reasons else 0)
    return Verdict(passed=code == 0, criteria=criteria, reasons=reasons, acceptance=acc, negative=neg,
                   report_dir=inp.report_dir, exit_code=code, unmapped=unmapped, stopped=stopped,
                   profile=run.get("profile"), verify_only=verify_only, needs_writes=needs_writes, inventory=inv,
                   counts=inp.junit.counts if inp.junit else {}, load_summary=inp.load_summary)
