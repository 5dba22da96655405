"""The one criterion table: every collected test belongs to exactly one sign-off criterion.

The verdict is only as honest as this mapping. A test is assigned by its criterion marker
(``acceptance(id)``, ``negative(id)``, ``atomic``, ``matrix``, ``fuzz``; the ID markers count
only with their ID, as a bare ``negative`` also marks a whole suite) when it has one, else by the
most specific path under ``suites/`` (a suite directory, or one file of it). A test that
matches no row, or two markers, is *unmapped*: the gate reports it and cannot sign off
(exit 2), because a check that feeds no criterion is a check whose failure nobody reads.

Rows without markers or paths are judged from gate steps (migrations, catalog evidence),
not from tests. Anyone adding a suite directory adds one row here. (suites/rls and
suites/ledger hold only acceptance tests today, so they need no row of their own.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class CriterionDef:
    key: str
    title: str  # what its tests prove, in one line
    required: bool = True
    markers: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # relative to suites/: "rls" or "negative/test_fuzz.py"

    @property
    def from_tests(self) -> bool:
        return bool(self.markers or self.paths)


CRITERIA: tuple[CriterionDef, ...] = (
    CriterionDef("database", "Migrations: every file applied and checksummed, none pending"),
    CriterionDef("evidence", "Catalog evidence: RLS on every table, definer functions pinned, drift 0"),
    CriterionDef("atomic_functions", "Handlers change stock atomically: concurrent HTTP requests never "
                 "oversell and never lose an update (checker over the history)", markers=("atomic",)),
    CriterionDef("acceptance", "Acceptance tests A01–A21 (CONTRACT §8)", markers=("acceptance",)),
    CriterionDef("negative", "Negative controls N1–N8 refused with the expected status and code",
                 markers=("negative",)),
    CriterionDef("role_action", "Role × action matrix matches CONTRACT §7", markers=("matrix",)),
    CriterionDef("zero_5xx", "No 5xx: fuzzed requests are refused cleanly and write nothing",
                 markers=("fuzz",), paths=("negative/test_fuzz.py",)),
    CriterionDef("error_table", "Every refusal answers the contract's status and error code (§7)",
                 paths=("negative",)),
    CriterionDef("concurrency", "Concurrency: SQL consumers, opposite transfers, the model and the nemesis "
                 "pass the checker", paths=("concurrency",)),
    CriterionDef("schema", "Schema lints: RLS, pinned definer functions, append-only ledger; migrations over "
                 "multi-yacht data keep §11",
                 paths=("schema",)),
    CriterionDef("api", "HTTP API: request contract, authentication, fault answers", paths=("api",)),
    CriterionDef("conformance", "Conformance to CONTRACT §10", paths=("conformance",)),
    CriterionDef("reference", "Reference-only checks (not part of acceptance)", required=False,
                 paths=("reference",)),
    CriterionDef("surface", "Attack-surface inventory", paths=("surface",)),
    CriterionDef("edges", "Contract rules at their edges: every uniqueness rule with every other column "
                 "varied, every signature field omitted or changed, both sides of every bound",
                 paths=("edges",)),
    CriterionDef("properties", "CONTRACT §11 on every path generated from the catalog: non-interference, "
                 "immutable trail, all or nothing, attribution, authority", paths=("properties",)),
    CriterionDef("detectors", "Harness self-check: each detector fires on an injected violation "
                 "(the policy-injecting proof runs on harness-owned servers only: it is DDL)",
                 required=False, markers=("detector",)),
)

BY_KEY = {c.key: c for c in CRITERIA}
CRITERION_MARKERS = tuple(m for c in CRITERIA for m in c.markers)
BLOCKED_PREFIX = "blocked: "
# A test that must commit data skips itself on a verify-only DSN with this reason prefix; the
# verdict lists its criterion as "not verified (needs --allow-writes)" and may still be a
# declared VERIFY-ONLY PASS over the rest (docs/VERDICT.md).
NEEDS_WRITES_PREFIX = "verify-only DSN: "


class Unmapped(ValueError):
    """A test that belongs to no criterion, or to more than one."""


def suite_path(path: str | PurePath) -> str | None:
    """``suites/<rest>`` of a test file path, as ``<rest>`` (None outside suites/)."""
    parts = PurePath(path).parts
    if "suites" not in parts:
        return None
    return "/".join(parts[len(parts) - parts[::-1].index("suites"):])


def criterion_for(path: str | PurePath, markers: set[str]) -> CriterionDef:
    """The one criterion of a test at ``path`` carrying ``markers``; raises ``Unmapped``."""
    marked = [c for c in CRITERIA if set(c.markers) & markers]
    if len(marked) > 1:
        raise Unmapped(f"carries markers of {len(marked)} criteria: {', '.join(c.key for c in marked)}")
    if marked:
        return marked[0]
    rel = suite_path(path)
    if rel is None:
        raise Unmapped("is outside suites/ and carries no criterion marker")
    best = None
    for c in CRITERIA:
        for p in c.paths:
            if (rel == p or rel.startswith(p + "/")) and (best is None or len(p) > len(best[0])):
                best = (p, c)
    if best is None:
        raise Unmapped(f"suites/{rel} matches no row of harness/criteria.py")
    return best[1]
