"""Load at a rate: an open model that holds R requests/s whatever the latency.

A closed loop of N users makes at most N / latency requests per second (Little's law): across a
50 ms link the same users make a fraction of the requests, so a staging load test that names only
users measures the network, not the system. Here, as in k6's constant-arrival-rate executor,
requests are *scheduled*: the k-th may start at ``start + k / R``. Each locust user takes the
next slot and sleeps until it (locust's ``wait_time``); when slots fall due with every user busy
(the schedule lags), the controller adds users until the lag is gone, up to ``max_users``.
A request that starts late still runs (it is caught up, not dropped), so the rate held over
the run is what the summary reports, beside the users it needed.
"""

from __future__ import annotations

import math
import time

import gevent

#: The schedule may run this far behind before more users are added.
LAG_SECONDS = 0.05
CONTROL_SECONDS = 0.25
DEFAULT_MAX_USERS = 200


class Arrivals:
    """The shared schedule of request start times (one per process; greenlets, no lock)."""

    def __init__(self, rate: float):
        self.rate, self.start, self.issued = rate, None, 0
        self.starting = 0  # users still connecting: added capacity not yet serving

    def begin(self) -> None:
        self.start = time.monotonic()

    def wait(self) -> float:
        """Seconds until the next free slot (0 when it is due or late); claims it."""
        due = self.start + self.issued / self.rate
        self.issued += 1
        return max(0.0, due - time.monotonic())

    def lag(self) -> float:
        """How late the next unclaimed slot is: > 0 means every user is busy."""
        return time.monotonic() - (self.start + self.issued / self.rate)


def paced(user_class: type, arrivals: Arrivals) -> type:
    """``user_class`` whose every task waits for its slot: the first after the user's own start
    (connecting is not part of a request), the next ones through locust's ``wait_time``."""
    def on_start(self) -> None:
        arrivals.starting += 1
        try:
            user_class.on_start(self)
        finally:
            arrivals.starting -= 1
        gevent.sleep(arrivals.wait())

    def wait_time(self) -> float:
        return arrivals.wait()
    return type(user_class.__name__, (user_class,), {"on_start": on_start, "wait_time": wait_time})


def initial_users(rate: float) -> int:
    """Enough for a near server (1 % of the rate in flight, at least 2); the controller adds
    the rest when the round trip is longer."""
    return max(2, math.ceil(rate / 100))


def needed(runner, arrivals: Arrivals) -> int:
    """Little's law on the unloaded latency (the 10th percentile so far), twice over: more users
    than that would not raise the rate, only the load on a saturated generator or server.
    Unbounded until the first answers arrive."""
    total = runner.environment.stats.total
    if not total.num_requests:
        return 1 << 30
    return 2 + math.ceil(2 * arrivals.rate * total.get_response_time_percentile(0.1) / 1000)


def control(runner, user_class, arrivals: Arrivals, max_users: int, env, gate) -> None:
    """Greenlet: add users (half again as many each time) while the schedule lags, none is still
    connecting and fewer run than ``needed``; the most running at once is kept as
    ``env.peak_users``."""
    while not gate.closed:
        gevent.sleep(CONTROL_SECONDS)
        current = runner.user_count
        if arrivals.lag() > LAG_SECONDS and not arrivals.starting and current < min(max_users, needed(runner, arrivals)):
            grown = min(max_users, needed(runner, arrivals), current + max(1, current // 2))
            runner.spawn_users({user_class.__name__: grown - current}, wait=False)
            env.peak_users = max(env.peak_users, grown)
