"""The implementations of the contract this project ships, for the self-test and demos.

Each is a migration set, the binding that reaches it (harness/binding) and its own catalogue of
seeded defects (mutant YAMLs whose edits apply to *its* migrations). `selftest --implementation`
picks one, so the harness proves it catches defects in an implementation it was not written
against, not only in the reference it grew up with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.config import PROJECT_SQL_DIR, shipped
from harness.errors import HarnessError
from harness.mutants import CATALOGUE

EXAMPLES = shipped("examples")


@dataclass(frozen=True)
class Implementation:
    name: str
    sql_dir: Path
    binding: str
    mutants_dir: Path


IMPLEMENTATIONS = {
    "reference": Implementation("reference", PROJECT_SQL_DIR, "reference", CATALOGUE),
    "second": Implementation("second", EXAMPLES / "second_lens" / "supabase", "second",
                             EXAMPLES / "second_lens" / "mutants"),
}


def find(name: str) -> Implementation:
    impl = IMPLEMENTATIONS.get(name)
    if impl is None or not impl.sql_dir.is_dir():
        raise HarnessError(f"unknown implementation {name!r}: choose one of {', '.join(IMPLEMENTATIONS)}")
    return impl

