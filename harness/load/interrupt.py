"""SIGINT/SIGTERM during a locust run: an orderly stop, never an exception in a random greenlet.

Python runs a signal handler in whichever greenlet happens to hold the main thread. The CLI's
handler raises KeyboardInterrupt, so under load it used to kill one locust user in the middle of
its transaction: that user's connection stayed open, idle in transaction, holding the stock
row's lock; the purge that followed waited on that lock, and the other users waited on the
purge — the process never exited. Here the handler only schedules the stop on the gevent hub:
the gate admits no new operation, those in flight finish (or are cut after ``grace``), the
runner quits, the caller closes every connection and purges, and only then does the run raise
KeyboardInterrupt from the main greenlet.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Callable

import gevent

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(stop: Callable[[], None]):
    """While inside: SIGINT/SIGTERM call ``stop`` in a greenlet of its own. Yields the list of
    signals received (empty when none came); the previous handlers are back afterwards."""
    hub = gevent.get_hub()
    received: list[int] = []

    def handler(signum, _frame) -> None:
        received.append(signum)
        if len(received) == 1:
            hub.loop.run_callback_threadsafe(gevent.spawn, stop)

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
