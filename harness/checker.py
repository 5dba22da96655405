"""Pure checker over a stress/load history and the database's final state.

The field defect this harness exists for was a read-check-write race that let stock go
negative, so every check here is about one stock row's counter and its ledger:

* ``bounds``      -- final quantity within [lower, upper] built from the ops (Jepsen's
  counter generalised to signed deltas: ok adds the delta to both bounds, info adds
  min(d,0) to the lower and max(d,0) to the upper bound, fail adds nothing);
* ``oversold``    -- acknowledged decrements exceed everything the row ever had;
* ``lost-update`` -- acknowledged before->after transitions do not form one chain: more
  ops started from a quantity than the number of times the row reached it;
* ``negative``    -- any observed or final quantity below zero;
* ``missed-target`` -- an acknowledged absolute operation (adjust to N) left the row at a
  quantity other than N (applied a difference computed from a stale read);
* ledger kinds    -- every ok op has exactly one ledger row, a refused op has none;
* ``drift``       -- rows returned by ``check_inventory_drift()``.

``check()`` never touches a database: ``snapshot()``/``snapshot_sync()`` gather the state
(as the owner), ``FinalState.between()`` turns two snapshots into what the run did.
A result is ``True``, ``False`` or ``"unknown"`` (when an outcome cannot be bounded).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from harness.history import FAIL, INFO, INVOKE, OK, Op

UNKNOWN = "unknown"
DUPLICATE = "duplicate_request"  # a refusal that proves the key was already applied


@dataclass(frozen=True)
class LedgerRow:
    id: str
    stock_id: str
    quantity_change: int
    quantity_before: int | None = None
    quantity_after: int | None = None
    idempotency_key: str | None = None
    transaction_type: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Quantities, ledger rows and drift rows of some stock rows at one instant."""

    quantities: Mapping[str, int]
    ledger: tuple[LedgerRow, ...] = ()
    drift: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class FinalState:
    """What the checker compares the history with.

    ``ledger`` holds only the rows written during the run (the opening balance's own
    ledger row predates it); ``drift`` the drift rows of the rows under test.
    """

    opening: Mapping[str, int]
    final: Mapping[str, int]
    ledger: Sequence[LedgerRow] = ()
    drift: Sequence[Mapping[str, Any]] = ()

    @classmethod
    def between(cls, before: Snapshot, after: Snapshot) -> "FinalState":
        seen = {row.id for row in before.ledger}
        return cls(opening=dict(before.quantities), final=dict(after.quantities),
                   ledger=[row for row in after.ledger if row.id not in seen],
                   drift=list(after.drift))


@dataclass(frozen=True)
class Anomaly:
    kind: str
    stock_id: str | None
    message: str
    ops: tuple[Op, ...] = ()  # the smallest set of ops that proves it
    magnitude: int = 1  # how bad (units, excess ops), to pick the worst of a kind
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def position(self) -> float:
        return min((op.index for op in self.ops), default=float("inf"))


@dataclass
class Result:
    valid: bool | str
    anomalies: dict[str, list[Anomaly]]
    unknowns: list[str]
    stocks: dict[str, dict[str, Any]]
    counts: dict[str, int]
    t0: int = 0

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per kind: count, first, worst and last anomaly (by history position)."""
        out = {}
        for kind, items in self.anomalies.items():
            out[kind] = {"count": len(items), "first": _anomaly_dict(items[0]),
                         "worst": _anomaly_dict(max(items, key=lambda a: a.magnitude)),
                         "last": _anomaly_dict(items[-1])}
        return out

    def explain(self, per_kind: int = 2, ops_per_anomaly: int = 6) -> str:
        """A short text naming the offending operations, for assertion messages."""
        total = sum(len(v) for v in self.anomalies.values())
        c = self.counts
        lines = [f"valid: {str(self.valid).lower()} -- {total} anomalies of "
                 f"{len(self.anomalies)} kinds over {len(self.stocks)} stock rows; "
                 f"{c.get(OK, 0)} ok, {c.get(FAIL, 0)} fail, {c.get(INFO, 0)} info"]
        for kind, items in self.anomalies.items():
            lines.append(f"{kind} ({len(items)}):")
            for anomaly in items[:per_kind]:
                lines.append(f"  stock {anomaly.stock_id}: {anomaly.message}")
                lines += [f"    {op.describe(self.t0)}" for op in anomaly.ops[:ops_per_anomaly]]
                if len(anomaly.ops) > ops_per_anomaly:
                    lines.append(f"    ... {len(anomaly.ops) - ops_per_anomaly} more ops")
            if len(items) > per_kind:
                lines.append(f"  ... {len(items) - per_kind} more")
        lines += [f"unknown: {reason}" for reason in self.unknowns]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "counts": self.counts, "stocks": self.stocks,
                "unknowns": self.unknowns, "summary": self.summary(),
                "anomalies": {k: [_anomaly_dict(a) for a in v]
                              for k, v in self.anomalies.items()}}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)


def _anomaly_dict(anomaly: Anomaly) -> dict[str, Any]:
    return {"kind": anomaly.kind, "stock_id": anomaly.stock_id, "message": anomaly.message,
            "magnitude": anomaly.magnitude, "data": dict(anomaly.data),
            "ops": [asdict(op) for op in anomaly.ops]}


def check(history: Iterable[Op], state: FinalState) -> Result:
    """Check a history against the final state; see the module docstring for the rules."""
    ops = list(history)
    outcomes = completed(ops)
    by_stock: dict[str, list[Op]] = defaultdict(list)
    for op in outcomes:
        if op.stock_id is not None:
            by_stock[op.stock_id].append(op)

    anomalies: list[Anomaly] = []
    unknowns: list[str] = []
    stocks: dict[str, dict[str, Any]] = {}
    for stock_id in sorted(set(by_stock) | set(state.opening)):
        stock_ops = by_stock.get(stock_id, [])
        stats, found, reasons = _check_stock(stock_id, stock_ops, state.opening.get(stock_id),
                                             state.final.get(stock_id))
        stocks[stock_id] = stats
        anomalies += found
        unknowns += reasons
    anomalies += _check_ledger(outcomes, state.ledger)
    anomalies += [Anomaly("drift", str(row.get("stock_id")),
                          f"quantity {row.get('quantity')} but ledger sums to "
                          f"{row.get('ledger_sum')}", magnitude=abs(int(row.get("drift") or 1)),
                          data={k: str(v) for k, v in dict(row).items()})
                  for row in state.drift]

    grouped: dict[str, list[Anomaly]] = defaultdict(list)
    for anomaly in sorted(anomalies, key=lambda a: a.position):
        grouped[anomaly.kind].append(anomaly)
    valid: bool | str = False if grouped else (UNKNOWN if unknowns else True)
    return Result(valid=valid, anomalies=dict(grouped), unknowns=unknowns, stocks=stocks,
                  counts=dict(Counter(op.type for op in outcomes if op.stock_id is not None)),
                  t0=min((op.time for op in ops), default=0))


def completed(ops: Sequence[Op]) -> list[Op]:
    """One outcome per operation; an invoke that never completed counts as ``info``."""
    done = {op.op_id for op in ops if op.type != INVOKE}
    dangling = [Op(**{**asdict(op), "type": INFO, "error": "never completed"})
                for op in ops if op.type == INVOKE and op.op_id not in done]
    return sorted([op for op in ops if op.type != INVOKE] + dangling, key=lambda o: o.index)


def _check_stock(stock_id: str, ops: list[Op], opening: int | None, final: int | None
                 ) -> tuple[dict[str, Any], list[Anomaly], list[str]]:
    found = _check_negative(stock_id, ops, final) + _check_target(stock_id, ops)
    stats: dict[str, Any] = {"opening": opening, "final": final,
                             **Counter(op.type for op in ops)}
    reasons = []
    if opening is None or final is None:
        reasons.append(f"stock {stock_id}: no {'opening' if opening is None else 'final'} "
                       "quantity in the snapshot")
        return stats, found, reasons
    found += _check_chain(stock_id, ops, opening)
    unbounded = [op for op in ops if op.type in (OK, INFO) and op.delta is None]
    if unbounded:
        reasons.append(f"stock {stock_id}: {len(unbounded)} ops with an unknown delta "
                       f"(first {unbounded[0].describe()})")
        return stats, found, reasons
    lower, upper = _bounds(ops, opening)
    stats["bounds"] = [lower, upper]
    found += _check_final(stock_id, ops, opening, final, lower, upper)
    found += _check_oversold(stock_id, ops, opening)
    return stats, found, reasons


def _bounds(ops: Iterable[Op], opening: int) -> tuple[int, int]:
    lower = upper = opening
    for op in ops:
        if op.type == OK:
            lower, upper = lower + op.delta, upper + op.delta
        elif op.type == INFO:
            lower, upper = lower + min(op.delta, 0), upper + max(op.delta, 0)
    return lower, upper


def _check_final(stock_id, ops, opening, final, lower, upper) -> list[Anomaly]:
    if lower <= final <= upper:
        return []
    has_info = any(op.type == INFO for op in ops)
    expected = f"within [{lower}, {upper}]" if has_info else f"{lower}"
    return [Anomaly("wrong-final", stock_id,
                    f"final quantity {final} but opening {opening} and the acknowledged "
                    f"changes give {expected}",
                    ops=tuple(op for op in ops if op.type in (OK, INFO)),
                    magnitude=min(abs(final - lower), abs(final - upper)),
                    data={"opening": opening, "final": final, "bounds": [lower, upper]})]


def _check_oversold(stock_id, ops, opening) -> list[Anomaly]:
    """Winners vs what the stock allowed: the greedy largest-first prefix is the proof."""
    gains = sum(max(op.delta, 0) for op in ops if op.type in (OK, INFO))
    available = opening + gains
    takes = sorted((op for op in ops if op.type == OK and op.delta < 0), key=lambda o: o.delta)
    proof, taken = [], 0
    for op in takes:
        proof.append(op)
        taken -= op.delta
        if taken > available:
            proof.sort(key=lambda o: o.index)
            return [Anomaly("oversold", stock_id,
                            f"{len(proof)} acknowledged decrements take {taken} units but at "
                            f"most {available} were ever there (opening {opening} + "
                            f"increments {gains})", ops=tuple(proof),
                            magnitude=-sum(o.delta for o in takes) - available,
                            data={"available": available, "taken": -sum(o.delta for o in takes)})]
    return []


def _check_negative(stock_id, ops, final) -> list[Anomaly]:
    found = [Anomaly("negative", stock_id,
                     f"quantity {min(_observed(op))} observed by {op.process}", ops=(op,),
                     magnitude=-min(_observed(op)))
             for op in ops if _observed(op) and min(_observed(op)) < 0]
    if final is not None and final < 0:
        found.append(Anomaly("negative", stock_id, f"final quantity {final}",
                             magnitude=-final, data={"final": final}))
    return found


def _check_target(stock_id, ops) -> list[Anomaly]:
    return [Anomaly("missed-target", stock_id,
                    f"{op.process} set the row to {op.target} but it was left at {op.quantity_after}",
                    ops=(op,), magnitude=abs(op.quantity_after - op.target))
            for op in ops if op.type == OK and op.target is not None and op.quantity_after is not None
            and op.quantity_after != op.target]


def _observed(op: Op) -> list[int]:
    return [q for q in (op.quantity_before, op.quantity_after) if q is not None]


def _check_chain(stock_id, ops, opening) -> list[Anomaly]:
    """Acknowledged transitions must chain: each quantity is left at most as often as reached.

    The opening balance counts as one arrival. Each info op may have applied unseen and
    supplied one arrival, so up to that many excess departures are tolerated.
    """
    steps = [op for op in ops if op.type == OK
             and op.quantity_before is not None and op.quantity_after is not None]
    found = [Anomaly("bad-transition", stock_id,
                     f"asked for {op.delta:+d} but reported "
                     f"{op.quantity_before}->{op.quantity_after}", ops=(op,),
                     magnitude=abs(op.quantity_after - op.quantity_before - op.delta))
             for op in steps if op.delta != op.quantity_after - op.quantity_before]
    arrivals = Counter(op.quantity_after for op in steps)
    if opening is not None:
        arrivals[opening] += 1
    departures: dict[int, list[Op]] = defaultdict(list)
    for op in steps:
        departures[op.quantity_before].append(op)
    excess = {q: len(leaving) - arrivals[q] for q, leaving in departures.items()
              if len(leaving) > arrivals[q]}
    allowance = sum(1 for op in ops if op.type == INFO and op.delta)
    if sum(excess.values()) <= allowance:
        return found
    for q, extra in excess.items():
        proof = tuple(departures[q][:arrivals[q] + 1])
        found.append(Anomaly("lost-update", stock_id,
                             f"{len(departures[q])} acknowledged operations started from "
                             f"quantity {q}, which the row reached {arrivals[q]} time(s)",
                             ops=proof, magnitude=extra,
                             data={"quantity": q, "departures": len(departures[q]),
                                   "arrivals": arrivals[q]}))
    return found


def _check_ledger(outcomes: Sequence[Op], ledger: Sequence[LedgerRow]) -> list[Anomaly]:
    """Every ok op owns exactly one ledger row; a refused op owns none.

    Ops are linked to rows by the returned transaction id, else by idempotency key;
    ops carrying neither are matched by count against the rows nobody claimed.
    """
    by_id = {row.id: row for row in ledger}
    by_key: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in ledger:
        if row.idempotency_key is not None:
            by_key[row.idempotency_key].append(row)
    keyed: dict[str, list[Op]] = defaultdict(list)
    for op in outcomes:
        if op.idempotency_key is not None:
            keyed[op.idempotency_key].append(op)

    found: list[Anomaly] = []
    claims: dict[str, list[Op]] = defaultdict(list)
    unlinked: dict[str, Counter] = defaultdict(Counter)
    for op in outcomes:
        if op.stock_id is None or op.type == FAIL:
            continue
        row = _row_of(op, by_id, by_key)
        if row is not None:
            claims[row.id].append(op)
        elif op.type == OK and (op.transaction_id or op.idempotency_key):
            found.append(Anomaly("missing-ledger-row", op.stock_id,
                                 "acknowledged but no ledger row carries its "
                                 + ("transaction id" if op.transaction_id else "key"),
                                 ops=(op,)))
        elif not (op.transaction_id or op.idempotency_key):
            unlinked[op.stock_id][op.type] += 1
    for row_id, ops in claims.items():
        acked = [op for op in ops if op.type == OK]
        if len(acked) > 1:
            found.append(Anomaly("double-ack", acked[0].stock_id,
                                 f"{len(acked)} acknowledged operations share one ledger row",
                                 ops=tuple(acked), magnitude=len(acked) - 1,
                                 data={"ledger_row": row_id}))
        elif acked and acked[0].delta is not None \
                and by_id[row_id].quantity_change != acked[0].delta:
            found.append(Anomaly("ledger-mismatch", acked[0].stock_id,
                                 f"ledger row records {by_id[row_id].quantity_change:+d}",
                                 ops=(acked[0],), magnitude=abs(
                                     by_id[row_id].quantity_change - acked[0].delta),
                                 data={"ledger_row": row_id}))
    for key, rows in by_key.items():
        ops = keyed.get(key, [])
        if len(rows) > 1:
            found.append(Anomaly("duplicate-ledger-row", rows[0].stock_id,
                                 f"{len(rows)} ledger rows for idempotency key {key}",
                                 ops=tuple(ops), magnitude=len(rows) - 1,
                                 data={"rows": [r.id for r in rows]}))
        refused = [op for op in ops if op.type == FAIL and op.error != DUPLICATE]
        if refused and len(refused) == len(ops):
            found.append(Anomaly("phantom-ledger-row", rows[0].stock_id,
                                 f"refused ({refused[0].error}) but ledger row "
                                 f"{rows[0].id} carries its key", ops=(refused[0],)))
    return found + _check_unclaimed(ledger, claims, keyed, unlinked, outcomes)


def _row_of(op: Op, by_id, by_key) -> LedgerRow | None:
    if op.transaction_id is not None:
        return by_id.get(op.transaction_id)
    rows = by_key.get(op.idempotency_key, []) if op.idempotency_key else []
    return rows[0] if rows else None


def _check_unclaimed(ledger, claims, keyed, unlinked, outcomes) -> list[Anomaly]:
    """Rows no op claims must be matched one-to-one by ok ops that carried no id."""
    unclaimed: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in ledger:
        if row.id not in claims and row.idempotency_key not in keyed:
            unclaimed[row.stock_id].append(row)
    found = []
    for stock_id in sorted(set(unclaimed) | set(unlinked)):
        rows, n = unclaimed.get(stock_id, []), unlinked.get(stock_id, Counter())
        if len(rows) < n[OK]:
            anonymous = tuple(op for op in outcomes if op.stock_id == stock_id
                              and op.type == OK and not (op.transaction_id or op.idempotency_key))
            found.append(Anomaly("missing-ledger-row", stock_id,
                                 f"{n[OK]} acknowledged operations without an id but only "
                                 f"{len(rows)} unclaimed ledger rows", ops=anonymous,
                                 magnitude=n[OK] - len(rows)))
        elif len(rows) > n[OK] + n[INFO]:
            found.append(Anomaly("unattributed-ledger-row", stock_id,
                                 f"{len(rows)} ledger rows written during the run match no "
                                 f"operation ({n[OK]} ok and {n[INFO]} info ops could own one)",
                                 magnitude=len(rows) - n[OK] - n[INFO],
                                 data={"rows": [r.id for r in rows]}))
    return found


# --- state gathering (the only part that talks to a database) -------------------------

_QUANTITIES = "SELECT id, quantity FROM pms_inventory_stock WHERE id = ANY({ids}::uuid[])"
_LEDGER = ("SELECT id, stock_id, quantity_change, quantity_before, quantity_after, "
           "idempotency_key, transaction_type FROM pms_inventory_transactions "
           "WHERE stock_id = ANY({ids}::uuid[]) OR idempotency_key = ANY({keys}::text[])")
_DRIFT = "SELECT * FROM check_inventory_drift() WHERE stock_id = ANY({ids}::uuid[])"


def _build(quantities: Iterable[Mapping], ledger: Iterable[Mapping],
           drift: Iterable[Mapping]) -> Snapshot:
    return Snapshot(
        quantities={str(r["id"]): r["quantity"] for r in quantities},
        ledger=tuple(LedgerRow(**{**dict(r), "id": str(r["id"]), "stock_id": str(r["stock_id"])})
                     for r in ledger),
        drift=tuple(dict(r) for r in drift))


def _params(stock_ids: Iterable[Any], keys: Iterable[str]) -> tuple[list[uuid.UUID], list[str]]:
    return [uuid.UUID(str(s)) for s in stock_ids], [str(k) for k in keys]


async def snapshot(conn, stock_ids: Iterable[Any], keys: Iterable[str] = ()) -> Snapshot:
    """Read the state of ``stock_ids`` on an asyncpg connection of the owner.

    Runs in one repeatable-read transaction (when not already in one) so quantities,
    ledger and drift describe the same instant. Must not run as ``authenticated``: RLS
    would hide rows and the check would pass on partial data.
    """
    ids, key_list = _params(stock_ids, keys)
    queries = [q.format(ids="$1", keys="$2") for q in (_QUANTITIES, _LEDGER, _DRIFT)]
    args = [(ids,), (ids, key_list), (ids,)]

    async def read() -> Snapshot:
        return _build(*[await conn.fetch(q, *a) for q, a in zip(queries, args)])

    if conn.is_in_transaction():
        return await read()
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await read()


def snapshot_sync(conn, stock_ids: Iterable[Any], keys: Iterable[str] = ()) -> Snapshot:
    """``snapshot`` for a psycopg 3 connection (the gevent side: locust load runs)."""
    from psycopg.rows import dict_row

    ids, key_list = _params(stock_ids, keys)
    queries = [q.format(ids="%(ids)s", keys="%(keys)s") for q in (_QUANTITIES, _LEDGER, _DRIFT)]
    params = {"ids": ids, "keys": key_list}
    with conn.transaction():
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _build(*[cur.execute(q, params).fetchall() for q in queries])
