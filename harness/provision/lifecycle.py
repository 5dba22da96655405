"""Stop every started server on exit and on SIGTERM/SIGHUP, so nothing is left running; and
make children die with the harness.

SIGINT already unwinds as KeyboardInterrupt through the provisioners' context managers;
SIGTERM and SIGHUP would not, so they are turned into the same orderly shutdown. A SIGKILLed
harness runs no code at all: its children (pytest and its workers, the API child, locust
processes, the embedded server) are asked to the kernel for a parent-death signal instead.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import threading

_PR_SET_PDEATHSIG = 1

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


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have the kernel send `sig` to this process when its parent dies, even by SIGKILL.
    A child's preexec_fn, or a process on itself (pytest workers); if the parent is already gone
    (it died before the call), act now."""
    parent = os.getppid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)
    if parent == 1:
        os.kill(os.getpid(), sig)


def child_kwargs() -> dict:
    """Popen arguments for a child of the harness: its own process group (stopped as a whole)
    and a parent-death signal."""
    return {"start_new_session": True, "preexec_fn": die_with_parent}
