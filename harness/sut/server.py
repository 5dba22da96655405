"""Serving the reference API: in a background thread (tests) or in the foreground (CLI).

``serve_in_thread`` gives uvicorn its own thread and event loop; the app creates
its asyncpg pool on startup *inside* that loop (asyncpg objects are bound to the
loop that made them), so pass ``create_app`` a DSN, not a pool.  The socket is
bound before the thread starts, so port 0 works and the URL is known at once.
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from harness.sut.api import create_app

STARTUP_TIMEOUT = 30.0


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, *,
                    log_level: str = "warning") -> tuple[str, Callable[[], None]]:
    """Start ``app`` on ``host:port``; returns ``(base_url, stop)``."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only then; without it every response waits
    # ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level=log_level))
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
    app = create_app(dsn, jwt_secret=jwt_secret, variant=variant,
                     large_adjust_threshold=large_adjust_threshold)
    uvicorn.run(app, host=host, port=port, log_level=log_level, lifespan="on")
