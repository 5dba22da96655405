"""The history checker on synthetic histories: pure, no database.

Each test builds the history through the real ``History`` API, the same way a stress
run does, and a ``FinalState`` as ``snapshot()`` would return it.
"""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from harness.checker import UNKNOWN, FinalState, LedgerRow, Snapshot, check, completed
from harness.history import FAIL, INFO, INVOKE, OK, History, outcome_of_response, \
    outcome_of_row

S = "stock-a"


class Run:
    """A scripted run: ops go into a History, acknowledged ones into a ledger."""

    def __init__(self, opening: int = 5, stock: str = S):
        self.history, self.stock, self.opening = History(), stock, opening
        self.ledger: list[LedgerRow] = []

    def op(self, delta, outcome=OK, before=None, after=None, *, actor="a", key=None,
           error=None, status=None, ledger=True, txid=None, stock=None, f=None):
        """Record one operation; an ok op also writes its ledger row unless ledger=False."""
        stock = stock or self.stock
        rec = self.history.record(actor, f or ("consume" if (delta or 0) < 0 else "receive"),
                                  stock, delta, key)
        txid = txid or (f"tx{rec.invoke.op_id}" if outcome == OK else None)
        with rec:
            getattr(rec, outcome)(quantity_before=before, quantity_after=after, error=error,
                                  status=status, transaction_id=txid)
        if outcome == OK and ledger:
            self.row(txid, delta if delta is not None else after - before, key, stock)
        return rec.completion

    def row(self, row_id, change, key=None, stock=None):
        self.ledger.append(LedgerRow(row_id, stock or self.stock, change, idempotency_key=key))

    def check(self, final, drift=(), opening=None):
        opening = {self.stock: self.opening} if opening is None else opening
        finals = {self.stock: final} if not isinstance(final, dict) else final
        return check(self.history, FinalState(opening, finals, self.ledger, list(drift)))


def chain_of_consumes(run: Run, n: int, start: int):
    for i in range(n):
        run.op(-1, OK, start - i, start - i - 1, actor=f"a{i}")


# --- valid runs ---------------------------------------------------------------------

def test_fixed_system_last_five_units_is_valid():
    run = Run(opening=5)
    run.op(-5, OK, 5, 0, actor="winner")
    run.op(-5, FAIL, 5, 5, actor="loser", error="insufficient_stock", status=409)
    result = run.check(final=0)
    assert result.valid is True, result.explain()
    assert result.anomalies == {}
    assert result.stocks[S]["bounds"] == [0, 0]
    assert result.explain().startswith("valid: true")


def test_many_sequential_consumers_and_refusals_are_valid():
    run = Run(opening=10)
    chain_of_consumes(run, 10, 10)
    for i in range(5):
        run.op(-1, FAIL, 0, 0, actor=f"late{i}", error="insufficient_stock")
    assert run.check(final=0).valid is True


def test_a_quantity_revisited_by_receive_is_not_a_lost_update():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4)
    run.op(+1, OK, 4, 5)
    run.op(-1, OK, 5, 4)
    result = run.check(final=4)
    assert result.valid is True, result.explain()


# --- the naive race -----------------------------------------------------------------

def test_two_winners_from_the_same_quantity_is_a_lost_update():
    run = Run(opening=5)
    first = run.op(-1, OK, 5, 4, actor="a1")
    second = run.op(-1, OK, 5, 4, actor="a2")
    result = run.check(final=4)
    assert result.valid is False
    [lost] = result.anomalies["lost-update"]
    assert {op.op_id for op in lost.ops} == {first.op_id, second.op_id}
    assert lost.data == {"quantity": 5, "departures": 2, "arrivals": 1}
    assert "wrong-final" in result.anomalies  # 5 - 2 = 3, not 4
    text = result.explain()
    assert "lost-update" in text and "started from quantity 5" in text and "a2" in text


def test_last_five_units_sold_twice_is_oversold_with_both_winners_as_proof():
    run = Run(opening=5)
    chain_of_consumes(run, 0, 5)
    a = run.op(-5, OK, 5, 0, actor="a1")
    b = run.op(-5, OK, 5, 0, actor="a2")
    run.op(-5, FAIL, 0, 0, actor="a3", error="insufficient_stock")
    result = run.check(final=0)
    [oversold] = result.anomalies["oversold"]
    assert [op.op_id for op in oversold.ops] == [a.op_id, b.op_id]
    assert oversold.data == {"available": 5, "taken": 10}
    assert oversold.magnitude == 5


def test_oversold_proof_is_the_smallest_set_of_winners():
    run = Run(opening=5)
    run.op(-1, OK)
    big = run.op(-4, OK)
    bigger = run.op(-3, OK)
    run.op(-1, OK)
    [oversold] = run.check(final=0).anomalies["oversold"]
    assert {op.op_id for op in oversold.ops} == {big.op_id, bigger.op_id}


def test_negative_stock_is_reported_for_the_op_and_the_final_row():
    run = Run(opening=1)
    run.op(-1, OK, 1, 0)
    bad = run.op(-1, OK, 0, -1)
    result = run.check(final=-1)
    negatives = result.anomalies["negative"]
    assert negatives[0].ops == (bad,)
    assert negatives[-1].ops == () and negatives[-1].data == {"final": -1}
    assert result.summary()["negative"]["count"] == 2


def test_a_transition_that_disagrees_with_the_request_is_reported():
    run = Run(opening=5)
    run.op(-2, OK, 5, 4)
    assert "bad-transition" in run.check(final=4).anomalies


# --- ledger accounting ----------------------------------------------------------------

def test_ok_without_a_ledger_row_is_missing():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4)
    lost = run.op(-1, OK, 4, 3, ledger=False)
    result = run.check(final=3)
    [missing] = result.anomalies["missing-ledger-row"]
    assert missing.ops == (lost,)
    assert list(result.anomalies) == ["missing-ledger-row"]


def test_refused_op_with_a_ledger_row_is_a_phantom():
    run = Run(opening=0)
    refused = run.op(-1, FAIL, 0, 0, key="k1", error="insufficient_stock")
    run.row("tx-phantom", -1, key="k1")
    [phantom] = run.check(final=0).anomalies["phantom-ledger-row"]
    assert phantom.ops == (refused,)


def test_ledger_row_with_the_wrong_change_is_a_mismatch():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4, ledger=False, txid="t1")
    run.row("t1", -2)
    assert "ledger-mismatch" in run.check(final=4).anomalies


def test_one_ledger_row_acknowledged_twice_is_a_double_ack():
    run = Run(opening=5)
    run.op(+3, OK, 5, 8, key="k", txid="t1")
    run.op(+3, OK, 5, 8, key="k", txid="t1", ledger=False)
    assert "double-ack" in run.check(final=8).anomalies


def test_two_rows_for_one_key_is_a_duplicate():
    run = Run(opening=5)
    run.op(+3, OK, 5, 8, key="k")
    run.row("again", 3, key="k")
    assert "duplicate-ledger-row" in run.check(final=8).anomalies


def test_anonymous_ops_are_matched_by_count_against_unclaimed_rows():
    run = Run(opening=5)
    rec = run.history.record("a", "consume", S, -1)
    with rec:
        rec.ok(quantity_before=5, quantity_after=4)
    assert "missing-ledger-row" in run.check(final=4).anomalies
    run.row("anon", -1)
    assert run.check(final=4).valid is True
    run.row("stray", -1)
    assert "unattributed-ledger-row" in run.check(final=4).anomalies


def test_drift_rows_make_the_run_invalid():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4)
    result = run.check(final=4, drift=[{"stock_id": S, "quantity": 4, "ledger_sum": 5,
                                        "drift": -1}])
    assert result.valid is False
    assert list(result.anomalies) == ["drift"]
    assert "ledger sums to 5" in result.explain()


# --- unknown outcomes (nemesis) --------------------------------------------------------

def test_info_ops_widen_the_bounds():
    for final in (3, 4):
        run = Run(opening=5)
        run.op(-1, OK, 5, 4)
        run.op(-1, INFO, error="ConnectionDoesNotExistError")
        result = run.check(final=final)
        assert result.valid is True, result.explain()
        assert result.stocks[S]["bounds"] == [3, 4]


def test_final_outside_the_info_bounds_is_wrong():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4)
    run.op(-1, INFO)
    run.op(+2, INFO)
    [wrong] = run.check(final=7).anomalies["wrong-final"]
    assert wrong.data["bounds"] == [3, 6]
    assert "within [3, 6]" in wrong.message


def test_retry_after_an_applied_unknown_is_accounted_for():
    """Nemesis pattern: lost connection after commit, retry answers duplicate_request."""
    run = Run(opening=5)
    run.op(+2, INFO, key="r1", error="ConnectionResetError")
    run.op(+2, FAIL, key="r1", error="duplicate_request", status=409, txid="tx-r1")
    run.row("tx-r1", 2, key="r1")
    run.op(-1, OK, 7, 6)
    result = run.check(final=6)
    assert result.valid is True, result.explain()


def test_an_info_op_may_explain_one_repeated_start():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4, key="x")
    run.op(+1, INFO, key="y")  # applied unseen: 4 -> 5
    run.row("ty", 1, key="y")
    run.op(-1, OK, 5, 4, key="z")
    assert "lost-update" not in run.check(final=4).anomalies


def test_a_dangling_invoke_counts_as_info():
    run = Run(opening=5)
    run.history.invoke("a", "consume", S, -1)
    [op] = completed(run.history.ops)
    assert op.type == INFO and op.error == "never completed"
    assert run.check(final=4).valid is True
    assert "wrong-final" in run.check(final=3).anomalies


def test_missing_final_or_unknown_delta_is_unknown():
    run = Run(opening=5)
    run.op(-1, OK, 5, 4)
    assert run.check(final={}).valid == UNKNOWN
    run.op(None, INFO, f="adjust")
    result = run.check(final=4)
    assert result.valid == UNKNOWN and "unknown delta" in result.unknowns[0]


def test_anomaly_summary_orders_first_worst_last():
    run = Run(opening=0)
    run.op(-1, OK, 0, -1, actor="first")
    run.op(-5, OK, -1, -6, actor="worst")
    run.op(+1, OK, -6, -5, actor="last")
    negative = run.check(final=-5).summary()["negative"]
    assert negative["first"]["ops"][0]["process"] == "first"
    assert negative["worst"]["ops"][0]["process"] == "worst"
    assert negative["last"]["data"] == {"final": -5}


# --- snapshots, persistence, recording -------------------------------------------------

def test_final_state_between_snapshots_keeps_only_rows_of_the_run():
    opening_row = LedgerRow("t0", S, 5, 0, 5)
    before = Snapshot({S: 5}, (opening_row,))
    after = Snapshot({S: 4}, (opening_row, LedgerRow("t1", S, -1, 5, 4)), ({"stock_id": S},))
    state = FinalState.between(before, after)
    assert state.opening == {S: 5} and state.final == {S: 4}
    assert [r.id for r in state.ledger] == ["t1"]
    assert state.drift == [{"stock_id": S}]


def test_history_round_trips_through_json_lines(tmp_path):
    run = Run(opening=5)
    run.op(-1, OK, 5, 4, key="k1")
    run.op(-1, OK, 5, 4, key="k2")
    path = run.history.save(tmp_path / "h" / "history.jsonl")
    loaded = History.load(path)
    assert loaded.ops == run.history.ops
    state = FinalState({S: 5}, {S: 4}, run.ledger)
    assert check(loaded, state).to_dict() == check(run.history, state).to_dict()
    reloaded = json.loads(check(loaded, state).to_json())
    assert reloaded["valid"] is False and "lost-update" in reloaded["summary"]
    assert loaded.invoke("b", "consume", S, -1).op_id > max(op.op_id for op in run.history)


def test_record_turns_an_escaping_exception_into_info():
    history = History()
    with pytest.raises(TimeoutError):
        with history.record("a", "consume", S, -1, "k"):
            raise TimeoutError
    invoke, info = history.ops
    assert (invoke.type, info.type, info.error, info.op_id) == (INVOKE, INFO, "TimeoutError",
                                                               invoke.op_id)
    with history.record("a", "consume", S, -1):
        pass
    assert history.ops[-1].error == "no outcome recorded"


def test_record_refuses_a_second_outcome():
    history = History()
    with pytest.raises(RuntimeError):
        with history.record("a", "consume", S, -1) as rec:
            rec.ok()
            rec.fail()


def test_outcome_classification():
    assert outcome_of_row({"success": True, "quantity_before": 5, "quantity_after": 4,
                           "error_code": None, "transaction_id": "t"})[0] == OK
    kind, out = outcome_of_row({"success": False, "quantity_before": 0, "quantity_after": 0,
                                "error_code": "insufficient_stock"})
    assert (kind, out["error"]) == (FAIL, "insufficient_stock")
    kind, out = outcome_of_response(200, {"transaction": {"quantity_before": 3,
                                                          "quantity_after": 2}})
    assert (kind, out["quantity_after"]) == (OK, 2)
    assert outcome_of_response(409, {"error": "insufficient_stock"})[0] == FAIL
    assert outcome_of_response(500, {"error": "internal"})[0] == INFO
    assert outcome_of_response(502, "bad gateway")[0] == INFO


def test_concurrent_recording_keeps_one_order():
    history = History()

    async def actor(name):
        for _ in range(50):
            with history.record(name, "consume", S, -1) as rec:
                await asyncio.sleep(0)
                rec.fail(error="insufficient_stock")

    async def tasks():
        await asyncio.gather(*(actor(f"t{i}") for i in range(10)))

    threads = [threading.Thread(target=asyncio.run, args=(tasks(),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ops = history.ops
    assert [op.index for op in ops] == list(range(3 * 10 * 50 * 2))
    assert len({op.op_id for op in ops}) == 3 * 10 * 50
    assert all(sum(1 for o in ops if o.op_id == op.op_id) == 2 for op in ops[:100])


def test_absolute_adjust_off_its_target_is_missed_target():
    """An adjust to 12 acknowledged at 10->9 (it booked 12-read from a stale read of 11) chains
    and accounts fine; only its target shows the defect. One on target is valid."""
    def adjust(run, before, after, target):
        rec = run.history.record("hod", "adjust_stock_quantity", S, None, target=target)
        with rec:
            rec.ok(quantity_before=before, quantity_after=after, transaction_id=f"tx{rec.invoke.op_id}")
        run.row(f"tx{rec.invoke.op_id}", after - before)

    stale = Run(opening=11)
    stale.op(-1, OK, 11, 10)
    adjust(stale, 10, 11, target=12)
    result = stale.check(11)
    assert result.valid is False and list(result.anomalies) == ["missed-target"], result.explain()
    fine = Run(opening=11)
    fine.op(-1, OK, 11, 10)
    adjust(fine, 10, 12, target=12)
    assert fine.check(12).valid is True
