"""The verdict's one rule on synthetic JUnit files: every test under one criterion, skipped or
setup-errored tests never count as a pass, and the exit code says defect (1) vs could not
run / verify (2). (The gate end to end is in tests/test_gate_verdict.py.)"""

from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

import pytest

from harness.criteria import CRITERIA, Unmapped, criterion_for
from harness.report import NOT_RUN, evaluate
from harness.report.criteria import BLOCKED, FAIL, NEEDS_WRITES, PASS
from harness.report.junit import tidy


def _case(name, criterion, outcome="passed", message="", lens_error=None):
    props = {"criterion": criterion} if criterion else {}
    if lens_error:
        props["lens_error"] = lens_error
    body = "<properties>" + "".join(f"<property name={quoteattr(k)} value={quoteattr(v)}/>"
                                   for k, v in props.items()) + "</properties>"
    tag = {"failed": "failure", "error": "error", "skipped": "skipped"}.get(outcome)
    if tag:
        body += f"<{tag} message={quoteattr(message)}>{message}</{tag}>"
    return f'<testcase classname="suites.schema.test_x" name="{name}">{body}</testcase>'


def _run_dir(tmp_path, *cases, suites=("schema",), **run):
    (tmp_path / "junit.xml").write_text(f"<testsuites><testsuite>{''.join(cases)}</testsuite></testsuites>")
    (tmp_path / "run.json").write_text(json.dumps({"available_suites": list(suites), "profile": "smoke", **run}))
    return tmp_path


def test_table_assigns_by_marker_then_most_specific_path():
    assert criterion_for("/x/suites/negative/test_fuzz.py", set()).key == "zero_5xx"
    assert criterion_for("/x/suites/negative/test_error_table.py", set()).key == "error_table"
    assert criterion_for("/x/suites/negative/test_error_table.py", {"negative"}).key == "negative"
    assert criterion_for("/x/suites/concurrency/test_mixed.py", {"atomic"}).key == "atomic_functions"
    assert criterion_for("/x/suites/conformance/test_c.py", set()).key == "conformance"
    assert not criterion_for("/x/suites/reference/test_r.py", set()).required
    with pytest.raises(Unmapped, match="matches no row"):
        criterion_for("/x/suites/brand_new/test_y.py", set())
    with pytest.raises(Unmapped, match="2 criteria"):
        criterion_for("/x/suites/api/test_y.py", {"atomic", "matrix"})
    assert len({c.key for c in CRITERIA}) == len(CRITERIA)


def test_one_failing_test_fails_its_criterion_and_the_gate(tmp_path):
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema"), _case("t2", "schema", "failed", "assert 1 == 2")))
    assert v.criterion("schema").status == FAIL and "t2" in v.criterion("schema").reason
    assert v.exit_code == 1 and v.criteria[0].key == "schema"


def test_unmapped_test_cannot_sign_off(tmp_path):
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema"), _case("t_orphan", None)))
    assert v.exit_code == 2 and v.unmapped == ["suites.schema.test_x::t_orphan: no criterion recorded"]
    assert "belong to no criterion" in v.line


def test_setup_error_is_could_not_run_but_a_fixture_assertion_is_a_defect(tmp_path):
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "error", 'failed on setup with "UndefinedFunctionError"',
                                          "setup:could_not_run:UndefinedFunctionError")))
    assert v.criterion("schema").status == NOT_RUN and "could not run" in v.criterion("schema").reason
    assert v.exit_code == 2
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "error", "failed on setup with AssertionError",
                                          "setup:defect:AssertionError")))
    assert v.criterion("schema").status == FAIL and v.exit_code == 1
    # without the plugin's tag, pytest's wording decides
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "error", 'failed on setup with "asyncpg...InvalidCatalogNameError"')))
    assert v.exit_code == 2


def test_skips_are_not_verified_and_blocked_reasons_are_listed_once(tmp_path):
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema"), _case("t2", "schema", "skipped", "verify-only DSN")))
    assert v.criterion("schema").status == NOT_RUN and "verify-only DSN" in v.criterion("schema").reason
    assert v.exit_code == 2
    blocked = "blocked: pms_inventory_stock.location_id missing (CONTRACT §10.2)"
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "skipped", blocked), _case("t2", "schema", "skipped", blocked)))
    c = v.criterion("schema")
    assert c.status == BLOCKED and c.reason.count("location_id missing") == 1 and v.exit_code == 2


def test_all_passed_is_exit_0_and_unapplicable_rows_are_not_listed(tmp_path):
    d = _run_dir(tmp_path, _case("t1", "schema"))
    v = evaluate(d)
    assert v.criterion("schema").status == PASS
    assert "conformance" not in {c.key for c in v.criteria}  # suites/conformance not in this project


WRITES = "verify-only DSN: this check must commit data; rerun with --lens-allow-writes to run it"


def test_write_needing_skips_are_listed_but_only_a_verify_only_run_leaves_them_out(tmp_path):
    """A defect is still 1, another skip still 2, and outside a verify-only run a write-needing
    skip is as unverified as any other (the full VERIFY-ONLY PASS is in tests/test_report.py)."""
    cases = (_case("t1", "schema"), _case("t2", "schema", "skipped", WRITES), _case("t3", "api", "skipped", WRITES))
    v = evaluate(_run_dir(tmp_path, *cases, suites=("schema", "api"), verify_only=True))
    assert v.criterion("schema").status == NEEDS_WRITES and "(1 passed read-only)" in v.criterion("schema").reason
    assert v.criterion("api").status == NEEDS_WRITES and v.needs_writes == ["schema", "api"]
    v = evaluate(_run_dir(tmp_path, *cases, _case("t4", "schema", "failed", "assert 1 == 2"),
                          suites=("schema", "api"), verify_only=True))
    assert v.exit_code == 1 and v.label == "FAIL" and "not verified (needs --allow-writes): api" in v.line
    v = evaluate(_run_dir(tmp_path, *cases, _case("t4", "schema", "skipped", "no API URL"),
                          suites=("schema", "api"), verify_only=True))
    assert v.exit_code == 2 and v.criterion("schema").status == "not verified"
    v = evaluate(_run_dir(tmp_path, *cases, suites=("schema", "api")))
    assert v.exit_code == 2 and v.label == "NOT VERIFIED" and "not verified: " in v.line


def test_a_lost_target_is_could_not_verify_and_an_interrupt_is_130(tmp_path):
    """A test that failed on a dropped connection verified nothing (exit 2); a run whose target the
    gate found gone after the suites is exit 2 whatever else failed; an interrupted run is 130."""
    lost = _case("t2", "schema", "failed", "ConnectionDoesNotExistError: connection was closed in the middle of operation")
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema"), lost))
    assert v.criterion("schema").status == NOT_RUN and v.exit_code == 2
    stopped = {"step": "suites", "reason": "the target stopped answering", "fix": "rerun", "target_lost": True}
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "failed", "assert 1 == 2"), stopped=stopped))
    assert v.exit_code == 2 and "failed:" not in v.line and "stopped answering" in v.line
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "failed", "assert 1 == 2"), interrupted=True,
                          stopped={**stopped, "target_lost": False, "reason": "interrupted (SIGINT/SIGTERM)"}))
    assert v.exit_code == 130 and v.label == "INTERRUPTED" and v.line.startswith("Verdict: INTERRUPTED (exit 130")


def test_an_interrupt_leaves_no_synthetic_case_but_a_normal_run_keeps_its_unmapped_ones(tmp_path):
    """Whatever phase a ^C lands in, the cases it makes (pytest's nameless one, xdist's "worker
    crashed" report, a cut-short collection) carry no criterion: gone after an interrupt only."""
    crashed = _case("t_crashed", None, "failed", "worker 'gw0' crashed while running")
    nameless = '<testcase classname="" name=""><error message="KeyboardInterrupt"/></testcase>'
    run = _run_dir(tmp_path, _case("t1", "schema"), crashed, nameless)
    assert tidy(run / "junit.xml") == 1
    v = evaluate(run)  # in a run nobody interrupted, a case without a criterion still counts
    assert v.exit_code == 1 and v.unmapped == ["suites.schema.test_x::t_crashed: no criterion recorded"]
    _run_dir(tmp_path, _case("t1", "schema"), crashed, nameless, interrupted=True)
    assert tidy(run / "junit.xml", interrupted=True) == 2
    v = evaluate(run)
    assert v.exit_code == 130 and v.unmapped == [] and v.criterion("schema").tests == 1


def test_failed_criteria_are_named_by_title_and_the_full_message_is_kept(tmp_path):
    message = "16 of 456 cells failed:\ntable:pms_parts:deckhand:select:foreign: expected denied, got allowed 18"
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "failed", message)))
    assert "failed: Schema lints: RLS, pinned definer functions, append-only ledger; migrations" in v.line
    assert "table:pms_parts:deckhand:select:foreign" in v.criterion("schema").reason


def _surface(tmp_path, actual="denied"):
    cell = {"surface": "table", "target": "pms_parts", "role": "deckhand", "operation": "update", "scope": "own",
            "expected": "denied", "rule": "§5: crew does not edit the catalogue", "actual": actual,
            "detail": "1 row" if actual == "allowed" else "42501",
            "verdict": "verified" if actual == "denied" else "failed"}
    observed = {**cell, "operation": "select", "expected": "unspecified", "actual": "allowed", "verdict": "observed"}
    (tmp_path / "surface").mkdir(parents=True, exist_ok=True)
    (tmp_path / "surface" / "tables.json").write_text(json.dumps({
        "summary": {"table": {"cells": 2, "verified": int(actual == "denied"), "failed": int(actual != "denied"),
                              "observed": 1, "not run": 0}}, "cells": [cell, observed]}))
    return _run_dir(tmp_path, _case("t1", "surface", "failed" if actual != "denied" else "passed", "cells failed"),
                    suites=("surface",))


def test_the_inventory_names_its_failed_cells_and_the_baseline_its_widened_ones(tmp_path):
    from harness.report.baseline import changes
    from harness.report.signoff import write_signoff

    approved = _surface(tmp_path / "approved")
    approved.joinpath("run.json").write_text(json.dumps({"available_suites": ["surface"], "verdict": {
        "criteria": [{"key": "surface", "title": "Attack-surface inventory", "status": "pass"}]}}))
    now = _surface(tmp_path / "now", actual="allowed")
    v = evaluate(now)
    line = "table:pms_parts:deckhand:update:own: expected denied, got allowed 1 row (§5: crew does not edit the catalogue)"
    assert line in v.criterion("surface").reason and [c["operation"] for c in v.inventory.failed] == ["update"]
    found = changes(approved, now, v)
    assert found[0].kind == "widened" and found[0].text.startswith("deckhand may now UPDATE pms_parts (table, own) (was denied)")
    assert "Attack-surface inventory: pass → fail" in [c.text for c in found]
    run = json.loads((now / "run.json").read_text())
    (now / "run.json").write_text(json.dumps({**run, "baseline": str(approved)}))
    write_signoff(now)
    md = (now / "signoff.md").read_text()
    assert "## Changed since the approved run" in md and "**widened:** deckhand may now UPDATE pms_parts" in md
    assert "## Attack-surface inventory" in md and "| table | pms_parts | deckhand | update | own | denied | allowed 1 row |" in md
    assert "observed: the contract leaves this choice to the team" in md


def test_an_import_error_in_a_test_body_is_could_not_verify(tmp_path):
    """`ModuleNotFoundError: No module named 'examples'` is the harness failing to load a binding,
    not a defect of the target (the plugin tags it in the body too)."""
    v = evaluate(_run_dir(tmp_path, _case("t1", "schema", "failed", "ModuleNotFoundError: No module named 'examples'",
                                          "call:could_not_run:ModuleNotFoundError")))
    assert v.criterion("schema").status == NOT_RUN and v.exit_code == 2
