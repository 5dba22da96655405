"""The surface policy (harness/policy.py): what it may declare, how it judges the cells the
contract leaves open, and the gate around it — a declared cell the implementation breaks fails
naming the cell, an undeclared one is counted as observed, --strict turns observed into NOT
VERIFIED, and a file that contradicts the contract or cannot be read is refused before the run."""

import json
import shutil

import pytest

from harness import policy, roles
from harness.config import PROJECT_SQL_DIR
from harness.implementations import EXAMPLES
from harness.report.criteria import NOT_RUN, PASS, crit_surface, inventory
from harness.report.inputs import RunInputs, load_inputs
from harness.surface import Cell

from .conftest import run_cli

REFERENCE = PROJECT_SQL_DIR / policy.FILE_NAME


def _load(tmp_path, text: str) -> policy.Policy:
    path = tmp_path / policy.FILE_NAME
    path.write_text(text)
    return policy.load(path)


def test_both_implementations_ship_a_policy_found_beside_their_migrations():
    assert policy.default_path(PROJECT_SQL_DIR) == REFERENCE
    second = EXAMPLES / "second_lens" / "supabase"
    assert policy.default_path(second / "migrations") == second / policy.FILE_NAME
    for path in (REFERENCE, second / policy.FILE_NAME):
        assert policy.load(path).tables["*"]["select"] == "guest"


@pytest.mark.parametrize("text, says", [
    # a declaration that contradicts the contract names the rule
    ("columns:\n  pms_inventory_transactions: {crew: [notes]}\n", "§11.2 the trail is immutable"),
    ("tables:\n  pms_audit_log: {delete: manager}\n", "§11.2 the trail is immutable"),
    ("another_yacht:\n  pms_parts: {select: crew}\n", "§11.1 tenants cannot observe each other"),
    ("tables:\n  pms_parts: {foreign: crew}\n", "§11.1 tenants cannot observe each other"),
    ("columns:\n  pms_parts: {hod: [name, deleted_at]}\n", "§11.6 state changes only through the actions"),
    ("columns:\n  pms_inventory_stock: {hod: [quantity]}\n", "§11.6 state changes only through the actions"),
    ("columns:\n  pms_part_locations: {hod: [created_by]}\n", "§11.5 every row names its real author"),
    ("tables:\n  pms_inventory_transactions: {insert: guest}\n", "§5 direct ledger inserts are gated"),
    ("functions:\n  '*': {one_leg: hod}\n", "§11.3 every call is all or nothing"),
    # a malformed file names the fault
    ("tables: [pms_parts\n", "cannot be read as YAML"),
    ("tables:\n  - pms_parts\n", "tables must be a mapping"),
    ("grants:\n  pms_parts: {}\n", "unknown section grants"),
    ("tables:\n  pms_parts: {upsert: hod}\n", "unknown command"),
    ("tables:\n  pms_parts: {insert: bosun}\n", "'bosun' is not a tier"),
    ("columns:\n  pms_parts: {hod: name}\n", "must list the columns"),
    ("functions:\n  consume_part: {details: hod}\n", "functions.consume_part: unknown target"),
    ("version: 2\n", "version 2 is not supported"),
])
def test_a_refused_file_is_one_line_naming_why(tmp_path, text, says):
    with pytest.raises(policy.PolicyError) as exc:
        _load(tmp_path, text)
    assert says in str(exc.value) and "\n" not in str(exc.value)


def _open(surface, target, role, operation="update", scope="own", **extra):
    return Cell(surface, target, role, operation, scope, roles.UNSPECIFIED, "open", extra=extra)


def test_declarations_fill_only_open_cells_by_lowest_tier(tmp_path):
    p = _load(tmp_path, "tables:\n  '*': {select: guest}\n  pms_parts: {insert: hod}\n"
                        "columns:\n  pms_parts: {hod: [name]}\n")
    cells = [_open("table", "pms_parts", "deckhand", "insert"), _open("table", "pms_parts", "captain", "insert"),
             _open("view", "pms_part_stock", "guest", "select"), _open("column_update", "pms_parts.name", "chief_engineer"),
             _open("column_update", "pms_parts.unit", "chief_engineer"), _open("table", "pms_parts", "captain", "delete"),
             _open("column_update", "pms_parts.deleted_at", "captain"),
             Cell("table", "pms_parts", "guest", "select", "foreign", roles.DENIED, "§5")]
    policy.declare(p, cells)
    assert [c.expected for c in cells] == [roles.DENIED, roles.ALLOWED, roles.ALLOWED, roles.ALLOWED, roles.DENIED,
                                           roles.UNSPECIFIED, roles.DENIED, roles.DENIED]
    assert "declare it in lens-policy.yaml" in cells[5].rule
    assert "§11.6" in cells[6].rule and "the contract decides" in cells[6].rule
    assert cells[7].rule == "§5"   # decided by the contract: untouched


def _matrix(tmp_path, observed: int, strict: bool) -> RunInputs:
    (tmp_path / "surface").mkdir()
    row = {"cells": 10, "verified": 10 - observed, "failed": 0, "observed": observed, "not run": 0, "declared": 6}
    (tmp_path / "surface" / "tables.json").write_text(json.dumps({"summary": {"table": row}, "cells": []}))
    (tmp_path / "run.json").write_text(json.dumps({"policy": {"file": "/p/lens-policy.yaml", "strict": strict}}))
    return load_inputs(tmp_path)


@pytest.mark.parametrize("observed, strict, status", [(0, True, PASS), (3, False, PASS), (3, True, NOT_RUN)])
def test_strict_turns_observed_cells_into_not_verified(tmp_path, observed, strict, status):
    inp = _matrix(tmp_path, observed, strict)
    c = crit_surface(inp, inventory(inp))
    assert c.status == status, c.reason
    if observed:
        assert "3 observed: the contract is silent and your policy does not declare them; declare them in " \
               "/p/lens-policy.yaml" in c.reason


def test_run_refuses_a_contradicting_policy_before_anything_runs(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  pms_parts: {hod: [deleted_at]}\n")
    result = run_cli("run", "--policy", str(bad), "--report-dir", str(tmp_path / "r"), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
    assert "§11.6 state changes only through the actions" in result.stdout + result.stderr
    assert [s["name"] for s in json.loads((tmp_path / "r" / "run.json").read_text())["steps"]] == ["sign-off report"]


def test_gate_fails_a_declared_cell_the_implementation_breaks_and_counts_the_undeclared(tmp_path):
    """The reference's own policy, with HOD-only part inserts declared open to crew and the
    storage section dropped: the surface criterion fails naming the crew cell, and the storage
    select cells of a role of no tier are counted as observed."""
    text = REFERENCE.read_text().replace("pms_parts:               {insert: hod,", "pms_parts:               {insert: crew,")
    mine = tmp_path / "policy.yaml"
    mine.write_text(text.split("\nstorage:")[0] + "\nfunctions:" + text.split("\nfunctions:")[1])
    out = tmp_path / "r"
    result = run_cli("run", "--suites", "surface", "--policy", str(mine), "--strict", "--report-dir", str(out),
                     "--quiet", "--", "-k", "test_tables or test_storage", timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "table:pms_parts:deckhand:insert:own: expected allowed (policy policy.yaml: lowest tier crew" in \
        (out / "pytest.log").read_text()
    run = json.loads((out / "run.json").read_text())
    assert run["policy"] == {"file": str(mine), "strict": True}
    crew_insert = [c for c in json.loads((out / "surface" / "tables.json").read_text())["cells"]
                   if c["surface"] == "table" and c["target"] == "pms_parts" and c["role"] == "deckhand"
                   and c["operation"] == "insert" and c["scope"] == "own"]
    assert [(c["verdict"], c["declared"]) for c in crew_insert] == [("failed", True)]
    storage = json.loads((out / "surface" / "storage.json").read_text())["summary"]["storage"]
    assert storage["observed"] == 4 and storage["declared"] == 0
    shutil.rmtree(out)
