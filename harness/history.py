"""Jepsen-style operation history for stress, nemesis and load runs.

Every operation a run issues is recorded twice: an ``invoke`` when it is sent and a
completion when its outcome is known -- ``ok`` (definitely happened), ``fail``
(definitely did not happen) or ``info`` (unknown: a timeout, a lost connection, a 5xx).
Unknown is a first-class outcome because under faults a client cannot tell whether its
write committed; the checker (``harness.checker``) reasons about all three.

One ``Op`` is the effect on one stock row: a transfer is two ops (one per row).
The history is kept as JSON lines so the report can attach it and the checker can be
re-run on it later without a database.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

INVOKE, OK, FAIL, INFO = "invoke", "ok", "fail", "info"
COMPLETIONS = (OK, FAIL, INFO)


@dataclass(frozen=True)
class Op:
    """One history entry; ``op_id`` pairs an invoke with its completion."""

    op_id: int
    process: str
    type: str
    f: str
    stock_id: str | None
    value: int | None  # signed delta requested (None: not known up front, e.g. adjust)
    time: int  # time.monotonic_ns() at the moment of recording
    index: int = -1  # position in the history, set on append
    status: int | None = None  # HTTP status, None for direct SQL calls
    error: str | None = None  # contract error code, or the exception class for info
    quantity_before: int | None = None
    quantity_after: int | None = None
    transaction_id: str | None = None
    idempotency_key: str | None = None
    target: int | None = None  # the quantity an absolute operation (adjust) asked the row to reach

    @property
    def delta(self) -> int | None:
        """The effect on the row: the requested value, else what the system reported."""
        if self.value is not None:
            return self.value
        if self.quantity_before is not None and self.quantity_after is not None:
            return self.quantity_after - self.quantity_before
        return None

    def describe(self, t0: int | None = None) -> str:
        """One line for humans: ``#12 actor-3 consume -1 ok 5->4 +12.3ms`` (time from t0)."""
        parts = [f"#{self.index}", self.process, self.f, _signed(self.delta), self.type]
        if self.quantity_before is not None or self.quantity_after is not None:
            parts.append(f"{self.quantity_before}->{self.quantity_after}")
        if self.status is not None:
            parts.append(str(self.status))
        if self.error:
            parts.append(self.error)
        if t0 is not None:
            parts.append(f"+{(self.time - t0) / 1e6:.1f}ms")
        return " ".join(parts)


def _signed(value: int | None) -> str:
    return "?" if value is None else f"{value:+d}"


_FIELD_NAMES = {f.name for f in fields(Op)}


class History:
    """Append-only op list, safe to append from asyncio tasks, threads and greenlets.

    A lock (not just the GIL) guards appends so ``index`` is the true order of
    recording even when locust greenlets or server threads record concurrently.
    """

    def __init__(self, ops: Iterable[Op] = ()):
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._ops: list[Op] = []
        for op in ops:
            self._ops.append(op)
        if self._ops:
            self._ids = itertools.count(max(o.op_id for o in self._ops) + 1)

    def __iter__(self) -> Iterator[Op]:
        return iter(list(self._ops))

    def __len__(self) -> int:
        return len(self._ops)

    @property
    def ops(self) -> list[Op]:
        return list(self._ops)

    def append(self, op: Op) -> Op:
        with self._lock:
            op = replace(op, index=len(self._ops))
            self._ops.append(op)
        return op

    def invoke(self, process: str, f: str, stock_id: Any, value: int | None,
               key: str | None = None, target: int | None = None) -> Op:
        """Record the start of an operation and return the invoke op."""
        return self.append(Op(
            op_id=next(self._ids), process=str(process), type=INVOKE, f=f,
            stock_id=None if stock_id is None else str(stock_id), value=value,
            time=time.monotonic_ns(), idempotency_key=key, target=target,
        ))

    def complete(self, invoke: Op, type_: str, **outcome: Any) -> Op:
        """Record the outcome of ``invoke``; ``outcome`` holds Op fields."""
        if type_ not in COMPLETIONS:
            raise ValueError(f"completion type must be one of {COMPLETIONS}, not {type_!r}")
        if outcome.get("transaction_id") is not None:
            outcome["transaction_id"] = str(outcome["transaction_id"])
        return self.append(replace(invoke, type=type_, time=time.monotonic_ns(), **outcome))

    def record(self, actor: str, f: str, stock_id: Any, delta: int | None,
               key: str | None = None, target: int | None = None) -> "Recording":
        """Context manager: invoke now, completion from what the block reports.

        ``with history.record("crew-1", "consume", sid, -1, key) as rec:
        rec.from_row(row)``. An exception escaping the block is recorded as ``info``
        (the effect is unknown) and re-raised; a block that reports nothing is ``info`` too.
        """
        return Recording(self, self.invoke(actor, f, stock_id, delta, key, target))

    def rows(self) -> list[dict]:
        """The ops as plain dicts (JSON lines, a locust message between processes)."""
        return [asdict(op) for op in self._ops]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "History":
        return cls(Op(**{k: v for k, v in row.items() if k in _FIELD_NAMES}) for row in rows)

    @classmethod
    def merge(cls, parts: Mapping[str, "History"]) -> "History":
        """One history of a run spread over processes (locust workers): op ids made unique,
        each process name prefixed with its part's name, ops ordered by their monotonic time
        (comparable on one machine; across machines only each part's own order is exact, which is
        all the checker's bounds, chains and ledger rules need)."""
        ops, offset = [], 0
        for name, part in parts.items():
            ops += [replace(op, op_id=op.op_id + offset, process=f"{name}/{op.process}") for op in part]
            offset += max((op.op_id for op in part), default=-1) + 1
        ops.sort(key=lambda op: (op.time, op.index))
        return cls(replace(op, index=i) for i, op in enumerate(ops))

    def save(self, path: str | Path) -> Path:
        """Write JSON lines, one op per line."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            for row in self.rows():
                fh.write(json.dumps(row, separators=(",", ":")) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "History":
        with Path(path).open(encoding="utf-8") as fh:
            return cls.from_rows(json.loads(line) for line in fh if line.strip())


@dataclass
class Recording:
    """The open operation of ``History.record``; call exactly one outcome method."""

    history: History
    invoke: Op
    completion: Op | None = field(default=None)

    def ok(self, **outcome: Any) -> Op:
        return self._complete(OK, outcome)

    def fail(self, **outcome: Any) -> Op:
        return self._complete(FAIL, outcome)

    def info(self, **outcome: Any) -> Op:
        return self._complete(INFO, outcome)

    def from_row(self, row: Mapping[str, Any]) -> Op:
        """Complete from an atomic-function row (success, quantity_before, ...)."""
        type_, outcome = outcome_of_row(row)
        return self._complete(type_, outcome)

    def from_response(self, status: int, body: Any) -> Op:
        """Complete from an HTTP response of the action API."""
        type_, outcome = outcome_of_response(status, body)
        return self._complete(type_, outcome)

    def _complete(self, type_: str, outcome: Mapping[str, Any]) -> Op:
        if self.completion is not None:
            raise RuntimeError(f"operation {self.invoke.op_id} already completed")
        self.completion = self.history.complete(self.invoke, type_, **outcome)
        return self.completion

    def __enter__(self) -> "Recording":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.completion is None:
            self.info(error=exc_type.__name__ if exc_type else "no outcome recorded")
        return False


_RESULT_KEYS = ("quantity_before", "quantity_after", "transaction_id")


def outcome_of_row(row: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Classify a ``deduct/add_stock_inventory`` result row.

    The functions change nothing when ``success`` is false, so that is a definite fail.
    """
    row = dict(row)
    outcome = {k: row.get(k) for k in _RESULT_KEYS}
    if row.get("success"):
        return OK, outcome
    return FAIL, {**outcome, "error": row.get("error_code")}


def outcome_of_response(status: int, body: Any) -> tuple[str, dict[str, Any]]:
    """Classify an action-API response: 2xx ok, 4xx fail, anything else unknown.

    A 4xx is a refusal the contract guarantees changed nothing; a 5xx or an odd status
    may have committed before failing, so it is ``info``, never ``fail``.
    """
    body = body if isinstance(body, Mapping) else {}
    found = _find_result(body)
    outcome: dict[str, Any] = {"status": status, **{k: found.get(k) for k in _RESULT_KEYS}}
    if 200 <= status < 300:
        return OK, outcome
    outcome["error"] = body.get("error")
    return (FAIL if 400 <= status < 500 else INFO), outcome


def _find_result(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The mapping carrying quantity_before/after: the body or one nested object in it."""
    if any(k in body for k in _RESULT_KEYS):
        return body
    for value in body.values():
        if isinstance(value, Mapping) and any(k in value for k in _RESULT_KEYS):
            return value
    return {}
