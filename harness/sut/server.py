"""Serving the reference API: in a background thread (tests) or in the foreground (CLI).

``serve_in_thread`` gives uvicorn its own thread and event loop; the app creates
its asyncpg pool on startup *inside* that loop (asyncpg objects are bound to the
loop that made them), so pass ``create_app`` a DSN, not a pool.  The socket is
bound before the thread starts, so port 0 works and the URL is known at once.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
from collections.abc import Callable

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from harness.config import Settings
from harness.errors import HarnessError
from harness.sut.api import create_app

STARTUP_TIMEOUT = 30.0
#: Seconds a connection may take to send a request's headers (uvicorn has no such limit: 60
#: sockets sending a byte a minute would hold 60 connections open forever).
HEADER_TIMEOUT = 10.0
MAX_HEADER_BYTES = 16 * 1024


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header-read deadline: armed when the connection opens and
    after each response, it closes the connection if no complete request head has arrived."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_deadline)

    def _header_deadline(self) -> None:
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def protocol(header_timeout: float = HEADER_TIMEOUT) -> type[H11Protocol]:
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"header_timeout": header_timeout})


def config(app, *, header_timeout: float = HEADER_TIMEOUT, **options) -> uvicorn.Config:
    """uvicorn settings of the reference: bounded header read and size, short keep-alive (a
    defect variant may drop the header deadline: ``app.state.header_read_timeout``)."""
    bounded = getattr(getattr(app, "state", None), "header_read_timeout", True)
    return uvicorn.Config(app, lifespan="on", http=protocol(header_timeout) if bounded else H11Protocol,
                          timeout_keep_alive=5,
                          h11_max_incomplete_event_size=MAX_HEADER_BYTES, **options)


def check_bind(host: str, jwt_secret: str) -> None:
    """Refuse to expose the reference with the built-in secret: anyone could mint tokens for
    the seeded users, whose ids are predictable."""
    if jwt_secret != Settings.jwt_secret:
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise HarnessError(f"refusing to serve on {host} with the built-in JWT secret: set "
                           "LENS_JWT_SECRET to a secret of your own, or bind 127.0.0.1")


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning",
                    header_timeout: float = HEADER_TIMEOUT) -> tuple[str, Callable[[], None]]:
    """Start ``app`` on ``host:port``; returns ``(base_url, stop)``."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only then; without it every response waits
    # ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(config(app, log_level=log_level, header_timeout=header_timeout))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])),
                              name=f"lens-sut-{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the reference API did not start (see the log above: database reachable?)")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()

    url_host = f"[{host}]" if ":" in host else host
    return f"http://{url_host}:{bound_port}", stop


def run(dsn: str, host: str = "127.0.0.1", port: int = 8000, *, jwt_secret: str,
        variant: str = "reference", large_adjust_threshold: int = 10, log_level: str = "info") -> None:
    """Foreground server for ``lens-harness serve`` (blocks until interrupted)."""
    check_bind(host, jwt_secret)
    app = create_app(dsn, jwt_secret=jwt_secret, variant=variant,
                     large_adjust_threshold=large_adjust_threshold)
    uvicorn.Server(config(app, host=host, port=port, log_level=log_level)).run()
