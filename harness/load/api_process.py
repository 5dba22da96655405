"""The reference API in its own process, for load runs.

locust monkey-patches threading for gevent, so an in-process uvicorn thread would share the
load generator's hub and measure the wrong thing: load always targets a separate process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from harness.errors import HarnessError
from harness.provision import lifecycle

# The DSN and the JWT secret travel by environment: argv is world-readable (ps, /proc/*/cmdline).
_SERVE = ("import os, sys; from harness.sut.server import run; "
          "run(os.environ.pop('LENS_API_DSN'), port=int(sys.argv[1]), jwt_secret=os.environ.pop('LENS_API_JWT_SECRET'), "
          "variant=sys.argv[2], log_level='warning')")


@contextmanager
def api_process(dsn: str, jwt_secret: str, variant: str = "reference", timeout: float = 30):
    """Start the API on a free loopback port, wait for /healthz, yield its URL, stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LENS_API_DSN": dsn, "LENS_API_JWT_SECRET": jwt_secret}
    proc = subprocess.Popen([sys.executable, "-c", _SERVE, str(port), variant], env=env, **lifecycle.child_kwargs())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise HarnessError("the reference API did not start (see its output above)") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
