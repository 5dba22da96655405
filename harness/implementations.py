"""The implementations of the contract this project ships, for the self-test and demos.

Each is a migration set, the binding that reaches it (harness/binding) and its own catalogue of
seeded defects (mutant YAMLs whose edits apply to *its* migrations). `selftest --implementation`
picks one, so the harness proves it catches defects in an implementation it was not written
against, not only in the reference it grew up with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.config import PROJECT_SQL_DIR
from harness.errors import HarnessError
from harness.mutants import CATALOGUE

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


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
        raise HarnessError(f"unknown implementation {name!r}: choose one of {', '.join(IMPLEMENTATIONS)} "
                           f"(the second needs a source checkout with examples/)")
    return impl


def binding_for(sql_dir) -> str | None:
    """The binding of the shipped implementation whose migrations `sql_dir` is (its project root
    or its supabase/migrations), so `run --sql-dir examples/second_lens/supabase` needs no
    --binding; None for a team's own directory (their binding is named with --binding)."""
    if sql_dir is None:
        return None
    given = Path(sql_dir).resolve()
    for impl in IMPLEMENTATIONS.values():
        if given in (impl.sql_dir.resolve(), (impl.sql_dir / "migrations").resolve()):
            return impl.binding
    return None
