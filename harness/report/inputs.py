"""Read everything a gate run left in ``reports/<run-id>/``, tolerating any of it missing.

Nothing here raises on a missing, empty or malformed file: the value is ``None`` (or an
empty list) and ``problems`` says what could not be read, so the report can say "not run".
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .junit import JUnitReport, parse_junit

try:  # the project's redaction (harness/redact.py); a local copy keeps the report standalone
    from harness.redact import redact_dsn as _redact_dsn
except Exception:  # pragma: no cover - exercised only when harness.redact is absent/broken
    _URL_PW = re.compile(r"([a-z][a-z0-9+.-]*://)([^:@/\s]*):([^@/\s]*)@", re.I)
    _KV_PW = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.I)

    def _redact_dsn(text: str) -> str:
        text = _URL_PW.sub(lambda m: f"{m[1]}{m[2]}:***@", text)
        return _KV_PW.sub(lambda m: f"{m[1]}***", text)


# Defensive pass applied to every byte the report writes.
_URL_CREDS = re.compile(r"([a-z][a-z0-9+.-]*://)([^:@/\s\"'<>]*):([^@/\s\"'<>]*)@", re.I)
_BEARER = re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_PGPASSWORD = re.compile(r"(\bPGPASSWORD\s*[=:]\s*)(\S+)")


def redact(text: str) -> str:
    """Remove passwords (URL and key=value DSNs), bearer tokens and PGPASSWORD values."""
    text = _redact_dsn(text)
    text = _URL_CREDS.sub(lambda m: f"{m[1]}{m[2]}:***@" if m[3] != "***" else m[0], text)
    text = _BEARER.sub(lambda m: f"{m[1]}***", text)
    return _PGPASSWORD.sub(lambda m: f"{m[1]}***", text)


def redact_obj(value: Any) -> Any:
    """Redact every string inside a JSON-like structure."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_obj(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_obj(v) for v in value]
    return value


@dataclass(frozen=True)
class Link:
    """A relative link (from the report directory) to a file that exists."""

    label: str
    href: str


@dataclass
class RunInputs:
    report_dir: Path
    run: dict | None = None
    junit: JUnitReport | None = None
    evidence: dict | None = None
    evidence_files: list[Path] = field(default_factory=list)
    concurrency: list[tuple[Path, dict]] = field(default_factory=list)
    concurrency_histories: list[Path] = field(default_factory=list)
    load_summary: dict | None = None
    load_stats: list[Path] = field(default_factory=list)
    load_history: list[Path] = field(default_factory=list)
    matrix: list[dict] | None = None
    fuzz: dict | None = None
    problems: list[str] = field(default_factory=list)

    def link(self, path: Path | str, label: str | None = None) -> Link | None:
        """A relative link to ``path`` when it exists inside the report directory."""
        path = Path(path)
        if not path.is_absolute():
            path = self.report_dir / path
        try:
            rel = path.resolve().relative_to(self.report_dir.resolve())
        except (ValueError, OSError):
            return None
        if not path.exists():
            return None
        href = quote(rel.as_posix()) + ("/" if path.is_dir() else "")
        return Link(label or rel.as_posix(), href)

    def links(self, *paths: Path | str) -> list[Link]:
        return [lk for lk in (self.link(p) for p in paths) if lk is not None]


def load_json(path: Path, problems: list[str] | None = None) -> Any:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        if problems is not None:
            problems.append(f"{path.name}: unreadable ({type(exc).__name__})")
        return None


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [dict(row) for row in csv.DictReader(fh)]
    except (OSError, csv.Error, UnicodeDecodeError):
        return []


def load_inputs(report_dir: str | Path) -> RunInputs:
    report_dir = Path(report_dir)
    inp = RunInputs(report_dir=report_dir)
    problems = inp.problems

    run = load_json(report_dir / "run.json", problems)
    inp.run = run if isinstance(run, dict) else None
    inp.junit = parse_junit(report_dir / "junit.xml")
    if (report_dir / "junit.xml").is_file() and inp.junit is None:
        problems.append("junit.xml: not valid JUnit XML")

    ev_dir = report_dir / "evidence"
    evidence = load_json(ev_dir / "summary.json", problems)
    inp.evidence = evidence if isinstance(evidence, dict) else None
    if ev_dir.is_dir():
        inp.evidence_files = sorted(p for p in ev_dir.rglob("*") if p.is_file())

    conc_dir = report_dir / "concurrency"
    if conc_dir.is_dir():
        for path in sorted(conc_dir.glob("*.json")):
            data = load_json(path, problems)
            if isinstance(data, dict):
                inp.concurrency.append((path, data))
            else:
                inp.concurrency.append((path, {"name": path.stem, "valid": "unknown",
                                               "explain": "result file unreadable"}))
        inp.concurrency_histories = sorted(conc_dir.glob("*.history.jsonl"))

    load_dir = report_dir / "load"
    if load_dir.is_dir():
        summary = load_json(load_dir / "summary.json", problems)
        inp.load_summary = summary if isinstance(summary, dict) else None
        inp.load_history = sorted(load_dir.glob("*_stats_history.csv"))
        inp.load_stats = sorted(p for p in load_dir.glob("*_stats.csv"))

    fuzz = load_json(report_dir / "fuzz" / "summary.json", problems)
    inp.fuzz = fuzz if isinstance(fuzz, dict) else None
    matrix = load_json(report_dir / "matrix" / "role_action.json", problems)
    if isinstance(matrix, dict):  # tolerate {"rows": [...]}
        matrix = matrix.get("rows") or matrix.get("matrix")
    inp.matrix = [r for r in matrix if isinstance(r, dict)] if isinstance(matrix, list) else None
    return inp


def _merge_parts(directory: Path, pattern: str, target: str, merge) -> Any:
    """xdist workers never share a file: merge their ``<stem>.<worker>.json`` parts into one file
    named without the worker id, and remove the parts."""
    parts = sorted(p for p in directory.glob(pattern) if p.name != target) if directory.is_dir() else []
    if not parts:
        return None
    merged = merge([load_json(p) for p in parts])
    for path in parts:
        path.unlink()
    (directory / target).write_text(json.dumps(merged, indent=2))
    return merged


def _merge_matrix(parts: list) -> list[dict]:
    rows = [r for data in parts for r in (data if isinstance(data, list) else []) if isinstance(r, dict)]
    return sorted(rows, key=lambda r: (str(r.get("action")), str(r.get("actor")), str(r.get("signed"))))


def _merge_fuzz(parts: list) -> dict:
    examples: dict[str, int] = {}
    five_xx, failures = 0, []
    for data in (p for p in parts if isinstance(p, dict)):
        for endpoint, n in (data.get("examples") or {}).items():
            examples[endpoint] = examples.get(endpoint, 0) + int(n)
        five_xx += int(data.get("five_xx") or 0)
        failures += list(data.get("failures") or [])
    return {"examples": examples, "five_xx": five_xx, "failures": failures[:20]}


def consolidate_parts(report_dir: str | Path) -> None:
    """The role x action matrix and the fuzz tally, one file each (no worker ids in names)."""
    report_dir = Path(report_dir)
    _merge_parts(report_dir / "matrix", "role_action.*.json", "role_action.json", _merge_matrix)
    _merge_parts(report_dir / "fuzz", "summary.*.json", "summary.json", _merge_fuzz)
