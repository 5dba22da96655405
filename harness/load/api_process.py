"""The implementation's own API in a process of its own, for load runs.

locust monkey-patches threading for gevent, so an in-process uvicorn thread would share the
load generator's hub and measure the wrong thing: load always targets a separate process. The
child serves whatever the binding serves (`Binding.serve`: the reference, the second lens, a
team's own), so a full-profile gate loads the implementation it checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from contextlib import contextmanager

from harness.errors import HarnessError
from harness.provision import lifecycle

READY = "LENS_API_URL "


@contextmanager
def api_process(dsn: str, jwt_secret: str, variant: str = "reference", binding: str = "reference"):
    """Start the binding's API on a free loopback port, yield its URL, stop it. The DSN and the
    JWT secret travel by environment: argv is world-readable (ps, /proc/*/cmdline)."""
    env = {**os.environ, "LENS_API_DSN": dsn, "LENS_API_JWT_SECRET": jwt_secret}
    proc = subprocess.Popen([sys.executable, "-m", "harness.load.api_process", binding, variant], env=env,
                            stdout=subprocess.PIPE, text=True, **lifecycle.child_kwargs())
    try:
        line = proc.stdout.readline()  # the child prints its URL once listening, or exits
        proc.stdout.close()
        if not line.startswith(READY):
            raise HarnessError(f"the {binding} API did not start (see its output above)")
        yield line[len(READY):].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str]) -> None:
    from harness.binding import load
    from harness.config import Settings

    name, variant = argv
    settings = Settings(jwt_secret=os.environ.pop("LENS_API_JWT_SECRET"), sut=variant, binding=name)
    try:
        url, _ = load(name).serve(os.environ.pop("LENS_API_DSN"), settings)
    except (HarnessError, RuntimeError) as exc:  # unknown binding; the API did not start
        sys.exit(f"lens-harness load: {exc}")
    print(READY + url, flush=True)
    os.dup2(2, 1)  # the parent reads one line only: anything else goes to stderr
    threading.Event().wait()  # until the parent's SIGTERM


if __name__ == "__main__":
    main(sys.argv[1:])
