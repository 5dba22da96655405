"""CONTRACT §4, a booked row's numbers: whatever path wrote it (a direct insert, a stock function,
an HTTP action, a bulk insert, a definer RPC a later migration adds), each ledger row a call added
has the sign §4's table gives its type (a ``reversed`` row exactly the opposite of the row it
reverses), a non-zero change, ``quantity_after = quantity_before + quantity_change``, and each
stock row moved by exactly the sum of the changes booked on it (unless it had drifted before
the call: a state put in place by the owner, off its ledger, that a call may mend).  The row is judged, not the
path: a sign rule loosened in a constraint, a trigger or a function that books ``abs()`` shows
as a row whose sign its type forbids, and no cell has to say which call should have failed."""
from __future__ import annotations

from collections import defaultdict

from harness.oracles.all_or_nothing import DRIFT, LEDGER
from harness.oracles.observation import Observation, delta
from harness.roles import STOCK_TABLE as STOCK

#: §4's table: the sign of ``quantity_change`` per type (0: either sign; ``reversed``: the
#: opposite of the reversed row, judged against it).
SIGN = {"received": 1, "transferred_in": 1, "consumed": -1, "transferred_out": -1, "write_off": -1,
        "adjusted": 0, "reversed": 0}


def judge(obs: Observation) -> list[str]:
    added, changed, _ = delta(obs.before, obs.after)
    booked: dict[str, int] = defaultdict(int)
    lines = []
    for table, key in added:
        if table != LEDGER:
            continue
        row = obs.after[(table, key)]
        lines += [f"quantities: {obs.where()} booked {key}: {line}" for line in _row(row, obs)]
        if isinstance(row.get("quantity_change"), int):
            booked[str(row.get("stock_id"))] += row["quantity_change"]
    for stock in sorted({key for table, key in changed if table == STOCK} | set(booked)):
        if (DRIFT, stock) in obs.before:   # a state set up off its ledger: a move may mend it
            continue
        was, now = obs.before.get((STOCK, stock)), obs.after.get((STOCK, stock))
        moved = now["quantity"] - was["quantity"] if was and now else booked[stock]   # a new stock row: its opening
        if moved != booked[stock]:
            lines.append(f"quantities: {obs.where()} moved stock {stock} by {moved} and booked {booked[stock]} on it "
                         "(§4: stock and ledger never diverge)")
    return lines


def _row(row: dict, obs: Observation) -> list[str]:
    kind, change = row.get("transaction_type"), row.get("quantity_change")
    before, after = row.get("quantity_before"), row.get("quantity_after")
    out = []
    if kind not in SIGN:
        out.append(f"type {kind!r} is outside §4's list")
    if not change:
        out.append(f"a '{kind}' of {change} (§4: quantity_change <> 0)")
    elif SIGN.get(kind) and change * SIGN[kind] < 0:
        out.append(f"a '{kind}' of {change:+d} (§4: {kind} is {'+' if SIGN[kind] > 0 else '−'})")
    if kind == "reversed":
        target = obs.after.get((LEDGER, str(row.get("reverses_transaction_id"))))
        if target is None or change != -target.get("quantity_change", 0):
            out.append(f"a 'reversed' of {change} reversing {target and target.get('quantity_change')} "
                       "(§4: exactly the opposite of the row it reverses)")
    if before is not None and after is not None and isinstance(change, int) and before + change != after:
        out.append(f"quantity_before {before} + quantity_change {change} != quantity_after {after}")
    if after is not None and after < 0:
        out.append(f"quantity_after {after} < 0")
    return out
