"""What changed since the approved run (``run --baseline PATH``).

The reviewer of a migration PR does not want 2 000 cells again; they want the few whose outcome
moved: "crew may now UPDATE pms_parts (was denied)". A baseline is an earlier run's report folder
(or its run.json): its inventory cells (surface/*.json) and its criteria (run.json ``verdict``)
are compared with this run's, by cell label and criterion key. Widened access comes first — a
cell that was denied and is now allowed is the change a migration must not slip in — then every
other changed cell, then criteria whose status changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError

ALLOWED = "allowed"


@dataclass(frozen=True)
class Change:
    kind: str  # widened | cell | criterion
    text: str


def folder_of(path: str | Path) -> Path:
    """The report folder a --baseline names (a folder, or the run.json inside one); refuses
    anything else before the run starts."""
    path = Path(path).expanduser().resolve()
    folder = path.parent if path.is_file() and path.name == "run.json" else path
    if not (folder / "run.json").is_file():
        raise HarnessError(f"--baseline {path}: no run.json there",
                           fix="give an earlier run's report folder or its run.json (reports/<run-id>)")
    return folder


def cells(folder: Path) -> dict[str, dict]:
    from harness.report.criteria import cell_label

    out: dict[str, dict] = {}
    for f in sorted((folder / "surface").glob("*.json")):
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue
        out.update({cell_label(c): c for c in data.get("cells") or [] if isinstance(c, dict)})
    return out


def criteria(folder: Path) -> dict[str, dict]:
    try:
        run = json.loads((folder / "run.json").read_text())
    except (OSError, ValueError):
        return {}
    return {c["key"]: c for c in (run.get("verdict") or {}).get("criteria") or [] if isinstance(c, dict)}


def _cell_change(label: str, old: dict, new: dict) -> Change | None:
    was, now = old.get("actual"), new.get("actual")
    if was != now and now == ALLOWED:
        return Change("widened", f"{new.get('role')} may now {str(new.get('operation')).upper()} {new.get('target')} "
                                 f"({new.get('surface')}, {new.get('scope')}) (was {was or 'not run'}) — {label}, "
                                 f"{new.get('verdict')}: {new.get('rule')}")
    if was != now or old.get("verdict") != new.get("verdict"):
        return Change("cell", f"{label}: {was or 'not run'} → {now or 'not run'} "
                              f"({old.get('verdict')} → {new.get('verdict')})")
    return None


def changes(baseline: Path, report_dir: Path, verdict) -> list[Change]:
    """Every cell and criterion whose outcome differs from ``baseline``, widened access first."""
    before, after = cells(baseline), cells(report_dir)
    found = [ch for label, cell in after.items() if label in before
             for ch in [_cell_change(label, before[label], cell)] if ch]
    found += [Change("cell", f"{label}: new cell, {cell.get('verdict')}") for label, cell in after.items()
              if label not in before and cell.get("verdict") == "failed"]
    gone = [label for label in before if label not in after]
    if gone and after:
        found.append(Change("cell", f"{len(gone)} cells of the baseline are not in this run (e.g. {gone[0]})"))
    old = criteria(baseline)
    found += [Change("criterion", f"{c.title}: {old[c.key]['status']} → {c.status}") for c in verdict.criteria
              if c.key in old and old[c.key].get("status") != c.status]
    return sorted(found, key=lambda ch: ch.kind != "widened")
