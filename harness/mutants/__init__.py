"""Mutants: small, named, deliberately broken variants of the system under test.

A mutant is a YAML file (see `catalogue/` and docs/MUTANTS.md):

    name: lock_removed
    description: the atomic functions read the stock row without FOR UPDATE
    expect_killed_by: [A06]          # IDs / suites expected to catch it (documentation + matrix)
    sut: reference                   # handler variant to run (reference, naive, or a variant name)
    edits:                           # applied to a copy of the migration directory, in order
      - file: 307_atomic_stock_functions.sql
        replace: "FOR UPDATE"        # must match at least once (else the mutant is stale)
        with: ""
      - append: |                    # becomes a final migration 999NN_mutant_<name>.sql
          DROP INDEX uq_inventory_tx_idempotency;

Suites are pointed at a mutant with `pytest --lens-mutant NAME` (or a path to a YAML file);
`lens-harness selftest` runs every mutant and prints which check killed it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness.errors import HarnessError

CATALOGUE = Path(__file__).parent / "catalogue"


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    edits: list = field(default_factory=list)
    sut: str = "reference"
    expect_killed_by: list = field(default_factory=list)
    source: Path | None = None

    @property
    def touches_sql(self) -> bool:
        return bool(self.edits)


def _load(path: Path) -> Mutant:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise HarnessError(f"mutant {path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or "name" not in data or "description" not in data:
        raise HarnessError(f"mutant {path} needs at least 'name' and 'description'")
    unknown = set(data) - {"name", "description", "edits", "sut", "expect_killed_by"}
    if unknown:
        raise HarnessError(f"mutant {path}: unknown keys {sorted(unknown)}")
    return Mutant(data["name"], data["description"].strip(), list(data.get("edits") or []),
                  data.get("sut", "reference"), list(data.get("expect_killed_by") or []), path)


def search_dirs() -> list[Path]:
    """The built-in catalogue, then the user's own (LENS_MUTANTS_DIR, ':'-separated)."""
    extra = [Path(p) for p in os.environ.get("LENS_MUTANTS_DIR", "").split(os.pathsep) if p]
    return [CATALOGUE, *extra]


def catalogue(directories: list[Path] | None = None) -> list[Mutant]:
    """Every mutant in `directories` (default: the built-in catalogue + LENS_MUTANTS_DIR)."""
    mutants: dict[str, Mutant] = {}
    for directory in directories or search_dirs():
        for path in sorted(directory.glob("*.yaml")):
            m = _load(path)
            mutants[m.name] = m
    return sorted(mutants.values(), key=lambda m: m.name)


def find(name_or_path: str, directories: list[Path] | None = None) -> Mutant:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return _load(path)
    for m in catalogue(directories):
        if m.name == name_or_path:
            return m
    raise HarnessError(f"unknown mutant {name_or_path!r}: see `lens-harness selftest --list`")


def materialize(mutant: Mutant, sql_dir: Path, out_dir: Path) -> Path:
    """Copy the migrations of `sql_dir` (a directory or a Supabase project) to `out_dir` and apply the
    mutant's edits; a stale edit is an error."""
    from harness.migration_files import migrations_dir

    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    sql_dir = migrations_dir(sql_dir)
    shutil.copytree(sql_dir, out_dir)
    for i, edit in enumerate(mutant.edits):
        if "append" in edit:
            (out_dir / f"999{i:02d}_mutant_{mutant.name}.sql").write_text(edit["append"])
            continue
        target = out_dir / edit["file"]
        if not target.is_file():
            raise HarnessError(f"mutant {mutant.name}: {edit['file']} not found in {sql_dir}")
        text = target.read_text()
        if edit["replace"] not in text:
            raise HarnessError(f"mutant {mutant.name}: {edit['replace']!r} not found in {edit['file']} (stale mutant)")
        count = edit.get("count", -1)
        target.write_text(text.replace(edit["replace"], edit["with"], count))
    return out_dir
