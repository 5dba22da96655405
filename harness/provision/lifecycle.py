"""Stop every started server on exit and on SIGTERM/SIGHUP, so nothing is left running; and
make children die with the harness.

SIGINT already unwinds as KeyboardInterrupt through the provisioners' context managers;
SIGTERM and SIGHUP would not, so they are turned into the same orderly shutdown (servers
stopped, then KeyboardInterrupt: pytest ends its session on it, where a SystemExit raised inside
a test only fails that test and the session goes on). A SIGKILLed harness runs no code at all:
its children (pytest and its workers, the API child, locust processes, the embedded server) are
asked to the kernel for a parent-death signal instead; a process whose parent is gone when the
signal comes stops its servers and exits at once — nobody is left to report to, and a pytest
worker that went on would keep writing to the target for minutes.
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
_parent = os.getppid()  # the process that started this one (a pytest worker: its controller)


def _stop_all() -> None:
    for server in list(reversed(_servers)):
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


def _on_signal(signum, _frame) -> None:
    _stop_all()
    if os.getppid() != _parent:  # orphaned: the parent-death signal of a killed harness
        os._exit(128 + signum)
    raise KeyboardInterrupt


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


def _child_setup() -> None:
    """SIGINT back to its default in the child, then the parent-death signal.  The harness stops
    a child by SIGINT (it writes what it has and cleans up); a harness started with SIGINT ignored
    (a background job of a script: POSIX shells ignore it there) would pass the ignore on, and the
    child would run to its end instead."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    die_with_parent()


def child_kwargs() -> dict:
    """Popen arguments for a child of the harness: its own process group (stopped as a whole),
    SIGINT at its default and a parent-death signal."""
    return {"start_new_session": True, "preexec_fn": _child_setup}
