"""Stop every started server on exit and on SIGTERM/SIGHUP, so nothing is left running.

SIGINT already unwinds as KeyboardInterrupt through the provisioners' context managers;
SIGTERM and SIGHUP would not, so they are turned into the same orderly shutdown.
"""

from __future__ import annotations

import atexit
import signal
import threading

_servers: list = []
_installed = False


def _stop_all() -> None:
    for server in list(reversed(_servers)):
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


def _on_signal(signum, _frame) -> None:
    _stop_all()
    raise SystemExit(128 + signum)


def register(server) -> None:
    global _installed
    _servers.append(server)
    if _installed:
        return
    atexit.register(_stop_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, _on_signal)
    _installed = True


def unregister(server) -> None:
    if server in _servers:
        _servers.remove(server)
