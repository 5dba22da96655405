"""Figures for the sign-off report (matplotlib, Agg backend, PNG bytes).

Every function returns PNG bytes, or ``None`` when there is nothing to plot (missing or
empty input): the report then omits the figure instead of failing.
"""

from __future__ import annotations

import base64
import io
import math
import threading
from pathlib import Path

from .inputs import read_csv_rows

PERCENTILES = ("50%", "95%", "99%")


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def warm_up() -> None:
    """Import matplotlib in a background thread (about half a second of CPU): the gate calls
    this while the suites run, so drawing the figures afterwards does not wait for it."""
    threading.Thread(target=_plt, name="lens-plots-import", daemon=True).start()


def _num(value) -> float | None:
    try:
        x = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _aggregated_rows(csv_path: Path) -> list[dict[str, str]]:
    rows = read_csv_rows(csv_path)
    agg = [r for r in rows if (r.get("Name") or "").strip() == "Aggregated"]
    return agg or rows


def _series(rows: list[dict[str, str]], column: str) -> tuple[list[float], list[float]]:
    t0 = None
    xs, ys = [], []
    for r in rows:
        ts, y = _num(r.get("Timestamp")), _num(r.get(column))
        if ts is None or y is None:
            continue
        t0 = ts if t0 is None else t0
        xs.append(ts - t0)
        ys.append(y)
    return xs, ys


def latency_plot(stats_history_csv: str | Path, title: str | None = None) -> bytes | None:
    """Latency percentiles (p50/p95/p99, ms) over time from a locust ``*_stats_history.csv``."""
    rows = _aggregated_rows(Path(stats_history_csv))
    lines = {p: _series(rows, p) for p in PERCENTILES}
    lines = {p: xy for p, xy in lines.items() if xy[0]}
    if not lines:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for p, (xs, ys) in lines.items():
        ax.plot(xs, ys, label=f"p{p.rstrip('%')}", linewidth=1.5)
    ax.set_xlabel("time since start (s)")
    ax.set_ylabel("response time (ms)")
    ax.set_title(title or "Latency percentiles over time")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return _png(fig)


def throughput_plot(stats_history_csv: str | Path, title: str | None = None) -> bytes | None:
    """Requests/s and failures/s over time from a locust ``*_stats_history.csv``."""
    rows = _aggregated_rows(Path(stats_history_csv))
    rps = _series(rows, "Requests/s")
    fps = _series(rows, "Failures/s")
    if not rps[0]:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(*rps, label="requests/s", linewidth=1.5)
    if fps[0]:
        ax.plot(*fps, label="failures/s", linewidth=1.5, color="tab:red")
    users = _series(rows, "User Count")
    if users[0] and any(users[1]):
        ax2 = ax.twinx()
        ax2.step(*users, where="post", color="tab:gray", alpha=0.5, label="users")
        ax2.set_ylabel("users")
    ax.set_xlabel("time since start (s)")
    ax.set_ylabel("per second")
    ax.set_title(title or "Throughput")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return _png(fig)


def _losers(res: dict) -> int | None:
    for key in ("losers", "refused", "rejected"):
        if isinstance(res.get(key), int):
            return res[key]
    ops, winners = res.get("ops"), res.get("winners")
    if isinstance(ops, int) and isinstance(winners, int) and ops >= winners:
        return ops - winners
    return None


def winners_plot(results: list[dict], title: str | None = None) -> bytes | None:
    """Winners vs losers bar per checker result (``concurrency/*.json``)."""
    names, wins, losses, colors = [], [], [], []
    for res in results:
        w = res.get("winners")
        if not isinstance(w, int) or isinstance(w, bool):
            continue
        names.append(str(res.get("name") or f"run {len(names) + 1}"))
        wins.append(w)
        losses.append(_losers(res) or 0)
        colors.append("tab:green" if res.get("valid") is True else "tab:red")
    if not names:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.45 * len(names)))
    ys = list(range(len(names)))
    ax.barh(ys, wins, color=colors, label="winners")
    ax.barh(ys, losses, left=wins, color="tab:gray", alpha=0.6, label="losers (refused)")
    ax.set_yticks(ys, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("operations")
    ax.set_title(title or "Concurrent consumers: winners vs losers (red = checker not valid)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    return _png(fig)
