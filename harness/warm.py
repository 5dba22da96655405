"""A warm pytest: imports and collection paid once per server, each run a fork of that state.

Why: the self-test runs the suites a hundred-odd times, mostly one or two killer tests against
a mutant, and a fresh `python -m pytest` spent longer importing pytest, hypothesis, asyncpg and
the suites and collecting them than the killer took. A server imports the plugins and collects
the suites once (collect-only, so the test modules sit in sys.modules with pytest's assertion
rewriting), then forks a child per run. Every run starts from that pristine state, so nothing
one run does (a cached catalog, a changed global, an event loop) reaches the next, as with a
process of its own.

Protocol on the server's stdin/stdout, one JSON object a line: after the warm-up the server
says {"ready": true}; a request {"args", "env", "log"} runs `pytest.main(args)` in a fork with
`env` added and stdout/stderr in `log`, answered {"exit": code}. One run at a time per server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

from harness.errors import HarnessError
from harness.provision import lifecycle


class Collected:
    """pytest plugin of the warm-up: each collected test's node id, name and IDs."""

    def __init__(self, path: Path):
        self.path = path

    def pytest_collection_finish(self, session) -> None:
        from harness.plugin import ID_MARKERS

        tests = [{"nodeid": item.nodeid, "name": item.name,
                  "ids": [m.args[0] for m in map(item.get_closest_marker, ID_MARKERS) if m and m.args]}
                 for item in session.items]
        self.path.write_text(json.dumps(tests))


def _child(job: dict) -> None:
    """The forked run: never returns."""
    import pytest

    code = 3  # pytest's "internal error" if anything below breaks
    try:
        lifecycle.die_with_parent()
        log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.environ.update(job["env"])
        code = int(pytest.main(job["args"]))
    except BaseException:  # noqa: BLE001 - reported in the run's log, as an exit code
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(warm_up_args: list[str], collected: Path) -> None:
    """Warm up (collect `warm_up_args`, listing the tests in `collected`), then run requests."""
    import pytest

    lifecycle.die_with_parent()
    replies = os.fdopen(os.dup(1), "w")
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 1)  # pytest's output of the warm-up and of any child goes elsewhere
    requests = os.fdopen(os.dup(0))
    os.dup2(quiet, 0)  # a child never reads the requests
    code = pytest.main([*warm_up_args, "--collect-only", "-q"], plugins=[Collected(collected)])
    replies.write(json.dumps({"ready": code == 0, "exit": int(code)}) + "\n")
    replies.flush()
    for line in iter(requests.readline, ""):
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(json.loads(line))
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        replies.flush()


class WarmPytest:
    """Client of one server: a child of this process that dies with it. Start it from a thread
    that outlives it (the kernel's parent-death signal follows the thread that forked)."""

    def __init__(self, warm_up_args: list[str], cwd: Path, collected: Path, log: Path):
        self.log = log
        with open(log, "w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "harness.warm", str(collected), *warm_up_args],
                                         cwd=cwd, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)

    def wait_ready(self) -> None:
        ready = self._reply()
        if not ready.get("ready"):
            self.close()
            raise HarnessError(f"the self-test's pytest could not collect the suites (exit {ready.get('exit')}, "
                               f"see {self.log})")

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise HarnessError(f"the self-test's pytest server died (exit {self.proc.wait()})")
        return json.loads(line)

    def run(self, args: list[str], env: dict[str, str], log: Path) -> int:
        self.proc.stdin.write(json.dumps({"args": args, "env": env, "log": str(log)}) + "\n")
        self.proc.stdin.flush()
        return self._reply()["exit"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()


if __name__ == "__main__":
    serve(sys.argv[2:], Path(sys.argv[1]))
