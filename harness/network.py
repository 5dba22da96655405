"""The network between the harness and a user's server: its round-trip time, and how many
connections that justifies.

On a staging server reached over the internet (10-80 ms per round trip) the gate's time is
round trips, not CPU: a test that sends its statements one after another waits one RTT for each,
and two cores stay idle meanwhile. So the gate measures the RTT before the suites, says when it
will dominate, and sizes its I/O-bound concurrency (pytest workers, each holding a few
connections) from it rather than from the core count — within what the server has left
(``max_connections`` minus the reserved and the used slots) and the user's cap
(``--max-connections`` / ``LENS_MAX_CONNECTIONS``).
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass

import psycopg

#: Connections one pytest worker holds at once (the test's owner transaction, a pool spare, the
#: separate connections of a concurrency check).
CONNECTIONS_PER_WORKER = 4
#: Above this the gate grows its workers: below it the round trips are not what the run waits on
#: (a loaded machine measures a few ms to its own loopback).
LOCAL_RTT_MS = 5.0
#: Worker processes cost memory and start-up CPU; beyond this they queue for the cores anyway.
MAX_WORKERS = 8
#: Sequential round trips of a verify-only smoke gate per worker: what the warning multiplies the
#: RTT by.  benchmarks/remote.py at 50 ms (docs/REMOTE.md, 2026-12-08 01:20): 9 835 client
#: messages over 8 workers, whose tests each ran 60-79 s at 54 ms.
ROUND_TRIPS_PER_WORKER = 1200
SAMPLES = 7


@dataclass(frozen=True)
class Link:
    """What the gate found about the way to the server and what it chose."""

    rtt_ms: float
    max_connections: int
    free_connections: int
    workers: int
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    def warning(self) -> str | None:
        """One line with numbers when latency, not the server, will set the run's duration."""
        if self.rtt_ms < LOCAL_RTT_MS:
            return None
        seconds = ROUND_TRIPS_PER_WORKER * self.rtt_ms / 1000
        return (f"RTT {self.rtt_ms:.0f} ms to the server: ~{ROUND_TRIPS_PER_WORKER} sequential round trips per "
                f"worker ≈ {seconds:.0f} s of waiting each; running {self.workers} workers ({self.reason})")


def measure(dsn: str, samples: int = SAMPLES) -> tuple[float, int, int]:
    """(median RTT in ms of a trivial query, max_connections, connections still free)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT 1")  # the first one may pay for catalog caches
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            conn.execute("SELECT 1")
            times.append((time.perf_counter() - started) * 1000)
        limit, reserved, used = conn.execute(
            "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
            "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int").fetchone()
    return statistics.median(times), limit, max(0, limit - reserved - used)


def choose_workers(rtt_ms: float, free: int, asked: int | None, cap: int | None) -> tuple[int, str]:
    """pytest workers: the user's --workers if given; else 2 on a near link, and on a far one
    one more per 5 ms of RTT up to MAX_WORKERS; never more than the free connections (and the
    --max-connections cap) allow."""
    if asked is not None:
        wanted, why = asked, "--workers"
    elif rtt_ms < LOCAL_RTT_MS:
        wanted, why = 2, "near server: CPU-bound"
    else:
        wanted, why = min(MAX_WORKERS, 2 + math.ceil(rtt_ms / 5)), f"sized from the {rtt_ms:.0f} ms RTT"
    budget = min(free, cap) if cap else free
    if wanted * CONNECTIONS_PER_WORKER > budget:
        wanted = max(1, budget // CONNECTIONS_PER_WORKER)
        why += f", capped by {budget} connections ({'--max-connections' if cap and cap <= free else 'free on the server'})"
    return wanted, why


def link(dsn: str, asked: int | None, cap: int | None) -> Link:
    rtt, limit, free = measure(dsn)
    workers, why = choose_workers(rtt, free, asked, cap)
    return Link(round(rtt, 1), limit, free, workers, why)
