"""Tests of the sign-off report (harness/report) on synthetic report directories.

A passing, a failing and a partial run are built in tmp_path; the verdicts, the reasons of
failing criteria, the links and the redaction are checked, and the HTML is rendered in a
real headless Chromium when /usr/bin/chromium exists.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import quoteattr

import pytest

from harness.report import FAIL, NOT_RUN, PASS, evaluate, parse_junit, write_signoff
from harness.report import allure as allure_helpers
from harness.report import plots
from harness.report.catalogue import ACCEPTANCE, LENS_TABLES, NEGATIVE

REPO = Path(__file__).resolve().parents[1]
SECRET = "s3cr3t-Pa55"
DSN = f"postgresql://lens:{SECRET}@db.internal:5432/postgres"
LEAK = re.compile(r"://[^\s:/@\"'<>]+:(?!\*\*\*@)[^\s@/\"'<>]+@")
CHROMIUM = "/usr/bin/chromium"


# ----------------------------------------------------------------------------- builders

CRITERION_OF_SUITE = {"concurrency": "concurrency", "api": "api", "schema": "schema", "negative": "error_table"}


def _criterion(suite, props):
    for key, criterion in (("acceptance_id", "acceptance"), ("negative_id", "negative"), ("five_xx", "zero_5xx")):
        if key in props:
            return criterion
    return CRITERION_OF_SUITE[suite]


def _case(name, suite, props, outcome="passed", message=""):
    classname = f"suites.{suite}.test_{suite}"
    props = {"criterion": _criterion(suite, props), **props}
    plines = "".join(f"<property name={quoteattr(k)} value={quoteattr(str(v))}/>" for k, v in props.items())
    body = f"<properties>{plines}</properties>" if plines else ""
    if outcome == "failed":
        body += f"<failure message={quoteattr(message)}>Traceback...\n{message}</failure>"
    elif outcome == "error":
        body += f"<error message={quoteattr(message)}>{message}</error>"
    elif outcome == "skipped":
        body += f"<skipped type=\"pytest.skip\" message={quoteattr(message)}>{message}</skipped>"
    return f'<testcase classname="{classname}" name="{name}" time="0.12">{body}</testcase>'


SUITE_OF = {**{f"A{i:02d}": "rls" for i in range(1, 6)}, "A06": "concurrency", "A07": "concurrency",
            **{f"A{i:02d}": "ledger" for i in range(8, 22)}}


def write_junit(d: Path, *, acc_fail=(), acc_missing=(), neg_fail=None, neg_missing=(), five_xx=0,
                api=True, api_fail=False, extra=""):
    cases = []
    for aid in ACCEPTANCE:
        if aid in acc_missing:
            continue
        outcome = "failed" if aid in acc_fail else "passed"
        cases.append(_case(f"test_{aid.lower()}_behaviour", SUITE_OF[aid],
                           {"acceptance_id": aid, "suite": SUITE_OF[aid]}, outcome,
                           f"AssertionError: {aid} expected refusal, got success" if outcome == "failed" else ""))
    neg_fail = neg_fail or {}
    for nid, (_, status, error) in NEGATIVE.items():
        if nid in neg_missing:
            continue
        props = {"negative_id": nid, "suite": "negative", "expected_status": status}
        if error:
            props["expected_error"] = error
        if nid in neg_fail:
            a_status, a_error = neg_fail[nid]
            props["actual_status"], props["actual_error"] = a_status, a_error
            cases.append(_case(f"test_{nid.lower()}", "negative", props, "failed",
                               f"assert {a_status} == {status}"))
        else:
            props["actual_status"] = status
            if error:
                props["actual_error"] = "forbidden" if error == "42501" else error
            cases.append(_case(f"test_{nid.lower()}", "negative", props))
    if api:
        cases.append(_case("test_handlers_call_atomic_functions", "api",
                           {"suite": "api", "criterion": "atomic_functions"},
                           "failed" if api_fail else "passed",
                           "consume_part updated pms_inventory_stock directly" if api_fail else ""))
    cases.append(_case("test_fuzz_no_5xx", "negative", {"suite": "negative", "five_xx": five_xx},
                       "failed" if five_xx else "passed", f"{five_xx} responses were 5xx" if five_xx else ""))
    cases += [_case("test_role_action_cell", "negative", {"suite": "negative", "criterion": "role_action"}),
              _case("test_error_table_row", "negative", {"suite": "negative"}),
              _case("test_concurrent_consume", "concurrency", {"suite": "concurrency"}),
              _case("test_ledger_append_only", "schema", {"suite": "schema"}),
              _case("test_openapi_served", "api", {"suite": "api"})]
    xml = ('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="%d">%s%s'
           "</testsuite></testsuites>" % (len(cases), "".join(cases), extra))
    (d / "junit.xml").write_text(xml, encoding="utf-8")


def write_run(d: Path, *, migrate_status="passed"):
    migrations = [{"version": v, "name": n, "sha256": hashlib.sha256(n.encode()).hexdigest()}
                  for v, n in [("000", "supabase_compat"), ("100", "baseline"), ("300", "is_operational_crew"),
                               ("307", "atomic_stock_functions")]]
    run = {"run_id": d.name, "harness_version": "0.1.0", "postgres_version": "15.8", "target": "dsn",
           "dsn_redacted": DSN,  # deliberately NOT redacted: the report must redact it itself
           "sut": "reference (harness.sut.api) 0.1.0", "profile": "smoke",
           "started": "2025-01-01T10:00:00Z", "finished": "2025-01-01T10:03:00Z",
           "migrations": migrations, "suites": ["rls", "ledger", "concurrency", "negative", "api"],
           "available_suites": ["schema", "rls", "ledger", "concurrency", "negative", "api"],
           "steps": [{"name": "provision", "status": "passed", "seconds": 2.1},
                     {"name": "migrate", "status": migrate_status, "seconds": 1.4},
                     {"name": "evidence", "status": "passed", "seconds": 0.3}]}
    (d / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return run


def write_evidence(d: Path, *, rls_off=(), unpinned=(), zero_arg=False, drift=0):
    ev = d / "evidence"
    ev.mkdir(exist_ok=True)
    helpers = [{"name": "get_user_yacht_id", "nargs": 0},
               {"name": "is_operational_crew", "nargs": 2}, {"name": "is_hod", "nargs": 2},
               {"name": "is_manager", "nargs": 2}]
    if zero_arg:
        helpers.append({"name": "is_hod", "nargs": 0})
    summary = {
        "rls": [{"table": f"public.{t}", "rls_enabled": t not in rls_off} for t in LENS_TABLES],
        "helpers": helpers,
        "policies": [{"table": "pms_inventory_transactions", "name": n} for n in
                     ("crew_insert_consume", "hod_insert_receive_transfer_adjust",
                      "manager_insert_writeoff_reversed")],
        "security_definer": [{"name": n, "search_path_pinned": n not in unpinned} for n in
                             ("deduct_stock_inventory", "add_stock_inventory", "get_user_yacht_id")],
        "migrations": [],
        "drift_rows": drift,
    }
    (ev / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (ev / "rls.json").write_text(json.dumps(summary["rls"]), encoding="utf-8")
    (ev / "policies.sql").write_text("-- policies\n", encoding="utf-8")


def write_concurrency(d: Path, *, valid=True):
    cd = d / "concurrency"
    cd.mkdir(exist_ok=True)
    res = {"name": "concurrent_consume", "valid": valid,
           "explain": "" if valid is True else "stock went negative: -5 after 2 winners",
           "anomalies": {} if valid is True else {"negative_stock": [{"op": 7}]},
           "ops": 40, "winners": 5 if valid is True else 6}
    (cd / "concurrent_consume.json").write_text(json.dumps(res), encoding="utf-8")
    (cd / "concurrent_consume.history.jsonl").write_text(
        '{"type":"invoke","process":0,"f":"consume","value":1}\n', encoding="utf-8")
    sentence = "6 acknowledged decrements take 6 units but at most 5 were ever there"
    race = {"name": "http_race", "valid": valid, "criterion": "atomic_functions", "ops": 20,
            "winners": 5 if valid is True else 6, "explain": "valid: false -- 1 anomalies",
            "checker": {"anomalies": {} if valid is True else {"oversold": [{"message": sentence}]}}}
    (cd / "http_race.json").write_text(json.dumps(race), encoding="utf-8")


def write_load(d: Path, *, invariants=True):
    ld = d / "load"
    ld.mkdir(exist_ok=True)
    (ld / "summary.json").write_text(json.dumps(
        {"p50": 12, "p95": 48, "p99": 90, "rps": 210.5, "requests": 6300, "failures": 0,
         "invariants_valid": invariants}), encoding="utf-8")
    cols = ["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", "50%", "66%", "75%",
            "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%", "Total Request Count",
            "Total Failure Count"]
    with (ld / "api_stats_history.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for i in range(12):
            w.writerow([1700000000 + i, min(10, i + 1), "", "Aggregated", 20 * i, 0,
                        10 + i, 12, 14, 15, 20, 40 + i, 50, 80 + i, 95, 99, 120, 100 * i, 0])
        w.writerow([1700000012, 10, "POST", "/v1/actions/consume_part", "N/A", "N/A"] + ["N/A"] * 11 + [0, 0])
    with (ld / "api_stats.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Type", "Name", "Request Count", "Failure Count", "Median Response Time", "95%", "99%",
                    "Requests/s", "Failures/s"])
        w.writerow(["POST", "/v1/actions/consume_part", 6300, 0, 12, 48, 90, 210.5, 0])
        w.writerow(["", "Aggregated", 6300, 0, 12, 48, 90, 210.5, 0])


def write_matrix(d: Path, *, bad=False, five=False):
    md = d / "matrix"
    md.mkdir(exist_ok=True)
    rows = [
        {"action": "consume_part", "actor": "deckhand", "signed": None, "expected_status": 200,
         "actual_status": 200, "expected_error": None, "actual_error": None, "pass": True},
        {"action": "write_off_part", "actor": "deckhand", "signed": True, "expected_status": 403,
         "actual_status": 500 if five else (200 if bad else 403), "expected_error": "forbidden",
         "actual_error": None if (bad or five) else "forbidden", "pass": not (bad or five)},
        {"action": "reverse_transaction", "actor": "captain", "signed": True, "expected_status": 200,
         "actual_status": 200, "expected_error": None, "actual_error": None, "pass": True},
    ]
    (md / "role_action.json").write_text(json.dumps(rows), encoding="utf-8")


def make_passing(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    write_run(d)
    write_junit(d)
    (d / "allure-results").mkdir(exist_ok=True)
    (d / "allure-results" / "x-result.json").write_text("{}", encoding="utf-8")
    write_evidence(d)
    write_concurrency(d)
    write_load(d)
    write_matrix(d)
    return d


@pytest.fixture
def passing(tmp_path) -> Path:
    return make_passing(tmp_path / "run-pass")


@pytest.fixture
def failing(tmp_path) -> Path:
    d = tmp_path / "run-fail"
    d.mkdir()
    write_run(d)
    write_junit(d, acc_fail=("A06",), acc_missing=("A14",), neg_fail={"N3": ("201", "")}, five_xx=2,
                api_fail=True)
    write_evidence(d, rls_off=("pms_audit_log",), unpinned=("add_stock_inventory",), zero_arg=True, drift=3)
    write_concurrency(d, valid=False)
    write_load(d, invariants=False)
    write_matrix(d, bad=True)
    return d


@pytest.fixture
def partial(tmp_path) -> Path:
    """A user who ran only the rls suite: no evidence, concurrency, load, matrix."""
    d = tmp_path / "run-partial"
    d.mkdir()
    write_run(d)
    cases = "".join(_case(f"test_{a.lower()}", "rls", {"acceptance_id": a, "suite": "rls"})
                    for a in ("A01", "A02", "A03", "A04", "A05"))
    (d / "junit.xml").write_text(f"<testsuites><testsuite name='pytest'>{cases}</testsuite></testsuites>")
    return d


# ----------------------------------------------------------------------------- helpers

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"])
        if a.get("src") is not None:
            self.srcs.append(a["src"])


def assert_links_resolve(page: Path, html: str):
    p = _Links()
    p.feed(html)
    assert p.hrefs, "the page has no links at all"
    for href in p.hrefs:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"link is not relative: {href}"
        if not parts.path:
            assert parts.fragment in p.ids, f"anchor #{parts.fragment} has no target"
            continue
        assert not parts.path.startswith("/"), f"absolute path link: {href}"
        target = (page.parent / unquote(parts.path)).resolve()
        assert target.exists(), f"link does not resolve: {href}"
    for src in p.srcs:
        assert src.startswith("data:image/png;base64,"), f"not self-contained: {src[:60]}"
    return p


def md_links(md: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", md)


def assert_no_leak(d: Path):
    for name in ("signoff.md", "signoff.html"):
        text = (d / name).read_text(encoding="utf-8")
        assert SECRET not in text, f"password leaked into {name}"
        assert not LEAK.search(text), f"credentials in a URL in {name}: {LEAK.search(text).group(0)}"


# ----------------------------------------------------------------------------- tests

def test_parse_junit_ids_and_failures(failing):
    rep = parse_junit(failing / "junit.xml")
    assert rep is not None
    by_acc = rep.by_acceptance_id()
    assert len(by_acc) == 20 and "A14" not in by_acc
    a06 = by_acc["A06"][0]
    assert a06.failed and "expected refusal" in a06.message and a06.suite == "concurrency"
    n3 = rep.by_negative_id()["N3"][0]
    assert n3.prop("actual_status") == "201" and n3.prop("expected_error") == "duplicate_request"


def test_parse_junit_missing_or_garbage(tmp_path):
    assert parse_junit(tmp_path / "nope.xml") is None
    (tmp_path / "junit.xml").write_text("<not xml")
    assert parse_junit(tmp_path / "junit.xml") is None


def test_parse_junit_single_testsuite_root_and_name_fallback(tmp_path):
    (tmp_path / "junit.xml").write_text(
        '<testsuite name="pytest"><testcase classname="suites.rls.test_rls" name="test_A03_ledger_isolation"/>'
        '<testcase classname="suites.negative.test_n" name="test_control[N7]"><skipped message="no db"/></testcase>'
        "</testsuite>")
    rep = parse_junit(tmp_path / "junit.xml")
    assert [t.acceptance_id for t in rep.tests] == ["A03", None]
    assert rep.tests[1].negative_id == "N7" and rep.tests[1].outcome == "skipped"
    assert rep.tests[0].suite == "rls"


def test_passing_run_passes(passing):
    v = write_signoff(passing)
    assert v.passed and v.label == "PASS" and bool(v)
    assert {c.key: c.status for c in v.criteria} == {
        "database": PASS, "evidence": PASS, "atomic_functions": PASS, "acceptance": PASS,
        "negative": PASS, "concurrency": PASS, "zero_5xx": PASS, "role_action": PASS,
        "error_table": PASS, "schema": PASS, "api": PASS}
    assert v.exit_code == 0
    md = (passing / "signoff.md").read_text()
    html = (passing / "signoff.html").read_text()
    assert md.splitlines()[2].startswith("**Verdict: PASS")
    assert "Verdict: PASS" in html
    for aid in ACCEPTANCE:
        assert f"| {aid} |" in md
    assert "duplicate_request" in md and "already_reversed" in md
    assert "21/21 passed" in md


def test_verify_only_run_is_a_declared_verify_only_pass(passing):
    """Every read-only criterion passed, the write-needing ones skipped by the verify-only DSN:
    exit 0 headlined VERIFY-ONLY PASS (never plain PASS), each unverified criterion named."""
    run = json.loads((passing / "run.json").read_text())
    (passing / "run.json").write_text(json.dumps({**run, "verify_only": True, "load_not_verified": "needs writes"}))
    skipped = _case("test_openapi_served", "api", {"suite": "api"}, "skipped",
                    "verify-only DSN: this check must commit data; rerun with --lens-allow-writes to run it")
    junit = (passing / "junit.xml").read_text()
    (passing / "junit.xml").write_text(junit.replace(_case("test_openapi_served", "api", {"suite": "api"}), skipped))
    v = write_signoff(passing)
    assert v.exit_code == 0 and v.label == "VERIFY-ONLY PASS"
    assert v.criterion("api").status == "not verified (needs --allow-writes)"
    md, html = (passing / "signoff.md").read_text(), (passing / "signoff.html").read_text()
    assert md.splitlines()[2].startswith("**Verdict: VERIFY-ONLY PASS (exit 0")
    assert "not verified (needs --allow-writes): api, load" in md and "**not verified (needs --allow-writes)**" in md
    assert "VERIFY-ONLY PASS" in html and "Verdict: PASS" not in md + html
    (passing / "run.json").write_text(json.dumps({**run, "verify_only": True, "require_writes": True,
                                                  "load_not_verified": "needs writes"}))
    v = write_signoff(passing)  # a CI gate that asked for the full verdict does not get exit 0
    assert v.exit_code == 2 and v.label == "NOT VERIFIED"
    md = (passing / "signoff.md").read_text()
    assert md.splitlines()[2].startswith("**Verdict: NOT VERIFIED (exit 2")
    assert "--require-writes: a verify-only run cannot give the full verdict" in md
    assert "not verified (needs --allow-writes): api, load" in md


def test_failing_run_says_why(failing):
    v = write_signoff(failing)
    assert not v.passed and v.label == "FAIL"
    st = {c.key: c for c in v.criteria}
    assert v.exit_code == 1
    assert {k for k, c in st.items() if c.status == PASS} == {"database", "error_table", "schema", "api"}
    assert all(c.status == FAIL for k, c in st.items() if c.status != PASS)
    assert [c.status for c in v.criteria][:7] == [FAIL] * 7  # failing criteria first
    assert "A06" in st["acceptance"].reason and "expected refusal" in st["acceptance"].reason
    assert "missing: A14" in st["acceptance"].reason and st["acceptance"].reason.startswith("19/21")
    neg = st["negative"].reason
    assert "N3" in neg and "expected 409 duplicate_request" in neg and "201" in neg
    ev = st["evidence"].reason
    assert "pms_audit_log" in ev and "add_stock_inventory" in ev and "is_hod" in ev and "3 rows" in ev
    assert "stock went negative" in st["concurrency"].reason and "invariants" in st["concurrency"].reason
    assert "2 5xx" in st["zero_5xx"].reason
    assert "write_off_part as deckhand" in st["role_action"].reason
    assert "updated pms_inventory_stock directly" in st["atomic_functions"].reason
    assert "oversold: 6 acknowledged decrements take 6 units but at most 5 were ever there" in st["atomic_functions"].reason
    assert "http_race" not in st["concurrency"].reason  # each checker result belongs to one criterion
    html = (failing / "signoff.html").read_text()
    assert "Verdict: FAIL" in html and "stock went negative" in html
    assert v.line.startswith("Verdict: FAIL (exit 1, do not deploy) — failed: ")


def test_failed_migration_step_is_not_verified(tmp_path):
    d = make_passing(tmp_path / "r")
    write_run(d, migrate_status="error")
    v = evaluate(d)
    db = v.criterion("database")
    assert db.status == NOT_RUN and "migrate" in db.reason and v.exit_code == 2


def test_partial_run_says_not_run_and_never_crashes(partial):
    v = write_signoff(partial)
    assert not v.passed
    st = {c.key: c for c in v.criteria}
    assert st["evidence"].status == NOT_RUN and "summary.json" in st["evidence"].reason
    assert st["concurrency"].status == NOT_RUN
    assert st["negative"].status == NOT_RUN
    assert st["zero_5xx"].status == NOT_RUN and st["role_action"].status == NOT_RUN
    assert st["atomic_functions"].status == NOT_RUN
    assert st["acceptance"].status == NOT_RUN and "missing: A06" in st["acceptance"].reason
    assert v.exit_code == 2 and "not verified: " in v.line
    md = (partial / "signoff.md").read_text()
    assert "not verified" in md and "Load: not run." in md
    for href in md_links(md):
        assert (partial / unquote(href.split("#")[0])).exists(), href


def test_empty_directory_and_garbage_inputs(tmp_path):
    empty = tmp_path / "empty"
    v = write_signoff(empty)
    assert not v.passed and all(c.status == NOT_RUN for c in v.criteria)
    assert (empty / "signoff.html").is_file() and (empty / "signoff.md").is_file()
    junk = tmp_path / "junk"
    for sub in ("evidence", "concurrency", "load", "matrix"):
        (junk / sub).mkdir(parents=True)
    (junk / "run.json").write_text("{broken")
    (junk / "junit.xml").write_text("<testsuites><testsuite><testcase")
    (junk / "evidence" / "summary.json").write_text("[]")
    (junk / "concurrency" / "x.json").write_text("nope")
    (junk / "load" / "summary.json").write_text("null")
    (junk / "load" / "a_stats_history.csv").write_text("garbage,\x00\n1,2\n")
    (junk / "matrix" / "role_action.json").write_text('{"rows": "x"}')
    v = write_signoff(junk)
    assert not v.passed
    st = {c.key: c.status for c in v.criteria}
    assert st["concurrency"] == FAIL  # an unreadable checker result is not a pass
    html = (junk / "signoff.html").read_text()
    assert "Unreadable inputs" in html


def test_acceptance_skipped_is_not_a_pass(tmp_path):
    d = make_passing(tmp_path / "r")
    xml = (d / "junit.xml").read_text().replace(
        'name="test_a12_behaviour" time="0.12">',
        'name="test_a12_behaviour" time="0.12"><skipped message="needs commit in verify-only mode"/>')
    (d / "junit.xml").write_text(xml)
    v = evaluate(d)
    c = v.criterion("acceptance")
    assert c.status == NOT_RUN and "needs commit in verify-only mode" in c.reason and v.exit_code == 2


def test_links_resolve_and_are_relative(passing, failing, partial):
    for d in (passing, failing, partial):
        write_signoff(d)
        html = (d / "signoff.html").read_text()
        assert_links_resolve(d / "signoff.html", html)
        md = (d / "signoff.md").read_text()
        for href in md_links(md):
            assert "://" not in href
            assert (d / unquote(href)).exists(), f"{d.name}: {href}"


def test_missing_evidence_is_not_linked(tmp_path):
    d = make_passing(tmp_path / "r")
    shutil.rmtree(d / "concurrency")
    (d / "run.json").unlink()
    write_signoff(d)
    html = (d / "signoff.html").read_text()
    assert 'href="run.json"' not in html and "concurrency/" not in html.split("<h2 id=\"environment\"")[1]
    assert_links_resolve(d / "signoff.html", html)


def test_no_password_ever_written(passing, failing):
    # Plant the DSN in failure messages and matrix cells as well.
    write_junit(failing, extra=_case("test_connect", "api", {"suite": "api"}, "failed",
                                     f"could not connect to {DSN} (password={SECRET}) Bearer eyJhbGciOiJIUzI1NiJ9.abc.def"))
    for d in (passing, failing):
        v = write_signoff(d)
        assert_no_leak(d)
        assert SECRET not in v.line and all(SECRET not in r for r in v.reasons)
    html = (failing / "signoff.html").read_text()
    assert "postgresql://lens:***@db.internal" in html
    assert "eyJhbGciOiJIUzI1NiJ9" not in html


def test_plots_are_pngs_and_embedded(passing):
    png = plots.latency_plot(passing / "load" / "api_stats_history.csv")
    assert png and png.startswith(b"\x89PNG")
    assert plots.throughput_plot(passing / "load" / "api_stats_history.csv").startswith(b"\x89PNG")
    assert plots.winners_plot([{"name": "x", "winners": 5, "ops": 40, "valid": True}]).startswith(b"\x89PNG")
    assert plots.latency_plot(passing / "missing.csv") is None
    assert plots.winners_plot([]) is None
    write_signoff(passing)
    html = (passing / "signoff.html").read_text()
    assert html.count('src="data:image/png;base64,') == 3
    assert sorted(p.name for p in (passing / "plots").iterdir()) == [
        "api_latency.png", "api_throughput.png", "winners_losers.png"]


def test_allure_helpers_are_noops_when_inactive(passing):
    assert allure_helpers.allure_active() is False
    assert allure_helpers.label_test("rls", "A01", "isolation") is False
    assert allure_helpers.attach_file(passing / "evidence" / "summary.json") is False
    assert allure_helpers.attach_report_files(passing) == 0


def test_allure_helpers_label_and_attach_when_active(tmp_path):
    """Run an inner pytest with --alluredir and check labels and attachments in the results."""
    src = make_passing(tmp_path / "src-run")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(
        "from harness.report import allure as h\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        h.label_item(item, 'rls', 'A01', 'parts isolation')\n")
    (inner / "test_inner.py").write_text(
        "from harness.report import allure as h\n\n"
        "def test_x():\n"
        "    assert h.allure_active()\n"
        "    assert h.label_test('ledger', 'A20', 'zero drift')\n"
        f"    assert h.attach_file({str(src / 'evidence' / 'summary.json')!r})\n"
        f"    assert h.attach_report_files({str(src)!r}) >= 5\n")
    out = tmp_path / "allure"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={inner}",
                          "-c", os.devnull, f"--alluredir={out}", str(inner)],
                         cwd=inner, capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    results = [json.loads(p.read_text()) for p in out.glob("*-result.json")]
    assert len(results) == 1
    labels = {(lb["name"], lb["value"]) for lb in results[0]["labels"]}
    assert ("epic", "Inventory Lens") in labels and ("feature", "rls") in labels
    assert ("story", "A01 parts isolation") in labels and ("story", "A20 zero drift") in labels
    names = {a["name"] for a in results[0]["attachments"]}
    assert "evidence/summary.json" in names and "load/api_stats_history.csv" in names
    assert "concurrency/concurrent_consume.history.jsonl" in names


def test_bytes_parameters_are_shown_as_text_in_allure(tmp_path):
    """Raw request bodies as parameters: each its own row in Allure, not `<class 'bytes'>` x N."""
    (tmp_path / "test_raw.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('raw', [b'{', b'', b'\\xff\\xfe', b'{\"a\": NaN}'])\n"
        "def test_raw(raw):\n    pass\n")
    out = tmp_path / "allure"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          f"--rootdir={tmp_path}", "-c", os.devnull, f"--alluredir={out}", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    results = [json.loads(p.read_text()) for p in out.glob("*-result.json")]
    shown = sorted(p["value"] for r in results for p in r["parameters"])
    assert shown == sorted(["''", "'{'", "'\\xff\\xfe'", "'{\"a\": NaN}'"]), shown
    assert len({r["historyId"] for r in results}) == 4


# ----------------------------------------------------------------------------- real browser

def _chromium(*args: str, user_dir: Path, timeout=120) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={user_dir}", *args]
    env = {**os.environ, "HOME": str(user_dir)}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.skipif(not os.path.exists(CHROMIUM),
                    reason=f"{CHROMIUM} not installed (apt-get install chromium; .ci/run installs it)")
@pytest.mark.parametrize("kind", ["passing", "failing"])
def test_html_in_headless_chromium(kind, request, tmp_path):
    d = request.getfixturevalue(kind)
    v = write_signoff(d)
    page = d / "signoff.html"
    dom = _chromium("--dump-dom", page.as_uri(), user_dir=tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert f"Verdict: {v.label}" in dom.stdout, dom.stdout[:2000]
    assert v.line.split(" — ")[0] in dom.stdout
    # every href in the rendered DOM resolves to an existing file (or an anchor of the page)
    parsed = assert_links_resolve(page, dom.stdout)
    assert "criteria" in parsed.ids and "verdict" in parsed.ids
    shot = tmp_path / "shot.png"
    res = _chromium(f"--screenshot={shot}", "--window-size=1280,2400", "--hide-scrollbars",
                    page.as_uri(), user_dir=tmp_path / "profile-shot")
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
