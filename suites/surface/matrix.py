"""How every surface test reports: the project's policy fills the cells the contract leaves
open (harness/policy.py), then the matrix artefact, the totals in JUnit, one failure that lists
every failed cell (and any cell that got no result)."""
from __future__ import annotations

import pytest

from harness import policy, surface
from harness.surface import Cell


@pytest.fixture
def record_cells(lens_policy, lens_artifacts, record_property):
    """``record_cells(cells, name)``: judge, write and assert one surface's cells."""
    def record(cells: list[Cell], name: str) -> None:
        policy.declare(lens_policy, cells)
        surface.write_matrix(lens_artifacts / "surface", name, cells)  # one file per test: no worker id needed
        for kind, row in surface.summary(cells).items():
            for key, value in row.items():
                record_property(f"surface[{kind}].{key}", str(value))
        failed = [f"{c.label()}: expected {c.expected} ({c.rule}), got {c.actual} {c.detail}" for c in cells
                  if c.verdict in ("failed", "not run")]
        assert not failed, f"{len(failed)} of {len(cells)} cells failed:\n" + "\n".join(failed)
    return record
