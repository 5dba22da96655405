"""The first connection to an existing server: retried while the server is not up yet (a compose
service that just started), refused at once when the server answered no for good."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import pytest

from harness.errors import HarnessError
from harness.provision.dsn import check_reachable

from .staging_server import PASSWORD, SPELLINGS, StagingServer, free_port


class Waiter(threading.Thread):
    """`check_reachable` in a thread, its outcome handed back by `join`.

    The late server is started by the test's main thread, not by a helper thread: its
    parent-death signal (tests/staging_server.py) fires when the *thread* that forked it exits,
    so a server started from a Timer thread was shut down the moment the thread returned, and
    the waiting side saw refused connections until its deadline (a flaky test)."""

    def __init__(self, dsn: str, timeout: float):
        super().__init__(daemon=True)
        self.dsn, self.timeout, self.error, self.waited = dsn, timeout, None, None

    def run(self) -> None:
        started = time.monotonic()
        try:
            check_reachable(self.dsn, timeout=self.timeout)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            self.error = exc
        self.waited = time.monotonic() - started

    def outcome(self) -> float:
        self.join()
        if self.error is not None:
            raise self.error
        return self.waited


def test_a_server_that_starts_late_is_waited_for():
    server = StagingServer(port=free_port()).init()  # only the server start itself is late
    waiter = Waiter(server.dsn.rsplit("/", 1)[0] + "/postgres", timeout=120)
    try:
        waiter.start()
        time.sleep(1.5)
        assert waiter.is_alive(), f"connected before the server existed? {waiter.error!r}"
        server.start()
        assert waiter.outcome() > 1.5
    finally:
        server.stop()


def test_no_server_within_the_deadline_is_one_redacted_line():
    dsn = f"postgresql://qa:{quote(PASSWORD, safe='')}@127.0.0.1:{free_port()}/staging"
    started = time.monotonic()
    with pytest.raises(HarnessError) as caught:
        check_reachable(dsn, timeout=1.5)
    assert 1.5 <= time.monotonic() - started < 15
    assert "cannot connect to postgresql://qa:***@127.0.0.1" in str(caught.value)
    assert not any(s in str(caught.value) for s in SPELLINGS)


def test_a_wrong_password_is_not_retried():
    server = StagingServer().start()
    try:
        started = time.monotonic()
        with pytest.raises(HarnessError, match="password authentication failed"):
            check_reachable(server.dsn.replace("stage_owner:", "stage_owner:x"), timeout=60)
        assert time.monotonic() - started < 10
    finally:
        server.stop()
