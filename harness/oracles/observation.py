"""What one generated call left behind: its outcome and the rows of both yachts around it.

Rows are keyed ``(table, id)`` and compared as JSON (``to_jsonb`` of the whole row), so a
changed byte anywhere shows.  Ids the run did not create are given stable labels (``caller``,
``own:pms_parts``, ``phantom:pms_parts``); ids a call created get ``new#n`` by order of
appearance, so two worlds (or two claim sets) compare equal when they behave the same.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: An ISO 8601 time as JSON carries it: §11.1 compares observations "timing aside", and two runs
#: of the same calls (another world, another token) write their rows at other instants.
TIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?")
Rows = dict[tuple[str, str], dict]


@dataclass(frozen=True)
class Outcome:
    """A call's answer: rows (as JSON-able values) or an error's SQLSTATE and message."""

    value: object = None
    sqlstate: str | None = None
    message: str | None = None

    @property
    def refused(self) -> bool:
        """An exception, ``success = false``, an ``error_code``, or a 4xx (CONTRACT §11.3)."""
        if self.sqlstate is not None:
            return True
        rows = self.value if isinstance(self.value, list) else [self.value]
        return any(isinstance(r, dict) and (r.get("success") is False or r.get("error_code")
                                            or (isinstance(r.get("status"), int) and r["status"] >= 400))
                   for r in rows)

    def show(self) -> str:
        return f"{self.sqlstate} {self.message}" if self.sqlstate else json.dumps(self.value, default=str)[:300]


@dataclass
class Observation:
    path: str
    args: tuple
    actor: str
    outcome: Outcome
    before: Rows
    after: Rows
    extra: dict = field(default_factory=dict)

    def where(self) -> str:
        return f"{self.path} args={list(self.args)} as {self.actor}"


def delta(before: Rows, after: Rows) -> tuple[list, list, list]:
    """(added, changed, removed) row keys."""
    added = [k for k in after if k not in before]
    changed = [k for k in after if k in before and after[k] != before[k]]
    removed = [k for k in before if k not in after]
    return added, changed, removed


def normalise(value, labels: dict[str, str]):
    """``value`` with every id replaced by its label (unknown ids: ``new#n`` in order seen) and
    every time by ``<time>``."""
    text = json.dumps(_unordered(value, labels), sort_keys=True, default=str)

    def label(m: re.Match) -> str:
        key = m.group(0).lower()
        if key not in labels:
            labels[key] = f"new#{sum(v.startswith('new#') for v in labels.values())}"
        return labels[key]
    return TIME_TEXT.sub("<time>", UUID_TEXT.sub(label, text))


def _unordered(value, labels: dict[str, str]):
    """Lists of rows in an order of their content (known ids by label; new ids and times aside):
    rows ordered by a random id (two transfer legs of one instant) compare as the same set."""
    if isinstance(value, dict):
        return {k: _unordered(v, labels) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    items = [_unordered(v, labels) for v in value]
    return sorted(items, key=lambda row: _content(row, labels)) if items and all(isinstance(v, dict) for v in items) \
        else items


def _content(row, labels: dict[str, str]) -> str:
    text = UUID_TEXT.sub(lambda m: labels.get(m.group(0).lower(), ""), json.dumps(row, sort_keys=True, default=str))
    return TIME_TEXT.sub("", text)


def order(value, labels: dict[str, str]) -> list[list[str]]:
    """Each list of rows in ``value`` (depth first) as the sequence of its rows' contents: the
    order a system defined (an ORDER BY, an HTTP list) is something a tenant observes, so a list
    whose order follows another yacht's rows leaks them even when its set does not change.  Rows
    holding an id the run created are left out of the sequence (two rows of one instant may be
    ordered by a random id); they still count in the set."""
    out: list = []

    def walk(v) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            if v and all(isinstance(x, dict) for x in v):
                out.append([_content(x, labels) for x in v if all(
                    u.lower() in labels for u in UUID_TEXT.findall(json.dumps(x, default=str)))])
            for x in v:
                walk(x)
    walk(value)
    return out


def footprint(obs: Observation, yacht: str) -> dict:
    """Per table, how many of ``yacht``'s rows the call added, changed and removed: what the
    tenant can see of its own writes."""
    out: dict = {}
    for kind, keys in zip(("added", "changed", "removed"), delta(obs.before, obs.after)):
        for table, key in keys:
            row = obs.after.get((table, key)) or obs.before.get((table, key))
            if str(row.get("yacht_id")) == yacht or table == "storage.objects":
                out.setdefault(table, {}).setdefault(kind, 0)
                out[table][kind] += 1
    return out


def differences(left: list[Observation], right: list[Observation], view, what: tuple[str, str]) -> list[str]:
    """One line per position where ``view(obs)`` differs between two sequences of the same calls."""
    lines = []
    for a, b in zip(left, right, strict=True):
        va, vb = view(a), view(b)
        if va != vb:
            lines.append(f"{a.where()}: {what[0]} {va[:400]} | {what[1]} {vb[:400]}")
    return lines


def tenant_view(labels: dict[str, str], yacht: str, ordered=lambda obs: False):
    """What a tenant observes of a call: its outcome (rows, SQLSTATE and message), how many of
    its own rows it added, changed or removed, and, where ``ordered(obs)`` says the system
    defines it, the order of the rows (``order``) — ids labelled."""
    def observed(obs: Observation) -> str:
        o = obs.outcome
        seen = [o.value, o.sqlstate, o.message, footprint(obs, yacht)]
        return normalise(seen + ([{"order": order(o.value, labels)}] if ordered(obs) else []), dict(labels))
    return observed
