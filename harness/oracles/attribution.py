"""CONTRACT §11.5, every row names its real author: each user-naming column of a row an API
role wrote (added, or changed by the call) is the caller — the calls offer a colleague's id in
every such column and parameter — and no decision depends on such a column's value: the same
operation on a row naming the caller and on one naming a colleague has the same outcome
(a storage policy that trusts the client-written ``owner`` decides on it)."""
from __future__ import annotations

from harness.oracles.observation import Observation, delta


def judge(obs: Observation, columns: dict[str, tuple[str, ...]], caller: str) -> list[str]:
    lines = []
    added, changed, _ = delta(obs.before, obs.after)
    for table, key in (*added, *changed):
        row, old = obs.after[(table, key)], obs.before.get((table, key), {})
        for col in columns.get(table, ()):
            value = row.get(col)
            if value is not None and value != old.get(col) and str(value) != caller:
                lines.append(f"attribution: {obs.where()} wrote {table}.{col} = {value} (caller {caller}) in row {key}")
    return lines


def judge_decision(as_caller: Observation, as_colleague: Observation) -> list[str]:
    """The same operation on two rows that differ only in who they name: same answer (rows
    reached, SQLSTATE)."""
    a, b = as_caller.outcome, as_colleague.outcome
    if (a.sqlstate, a.value) != (b.sqlstate, b.value):
        line = (f"attribution: {as_caller.where()} decides on the row's author: naming the caller -> "
                f"{a.show()}, naming a colleague -> {b.show()}")
        return [line]
    return []
