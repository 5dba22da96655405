"""The reference API in its own process, for load runs.

locust monkey-patches threading for gevent, so an in-process uvicorn thread would share the
load generator's hub and measure the wrong thing: load always targets a separate process.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from harness.errors import HarnessError

_SERVE = ("import sys; from harness.sut.server import run; "
          "run(sys.argv[1], port=int(sys.argv[2]), jwt_secret=sys.argv[3], variant=sys.argv[4], log_level='warning')")


@contextmanager
def api_process(dsn: str, jwt_secret: str, variant: str = "reference", timeout: float = 30):
    """Start the API on a free loopback port, wait for /healthz, yield its URL, stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", _SERVE, dsn, str(port), jwt_secret, variant])
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
