"""A SIGKILLed harness leaves no child working: its pytest child gets the parent-death signal,
stops its servers and exits, even in the middle of a test and with later tests still queued.

The stand-in for the harness starts a real pytest child the way the gate does
(`lifecycle.child_kwargs()`); the child's first test registers a server (as the nemesis' private
embedded server does), the next ones keep writing. Before the fix the signal raised SystemExit
inside the running test: pytest recorded a failure and went on with the next test, writing for
minutes after the harness was gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from .staging_server import alive, wait_for

HARNESS = textwrap.dedent("""
    import subprocess, sys
    from harness.provision import lifecycle
    child = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", sys.argv[1]],
                             **lifecycle.child_kwargs())
    print(child.pid, flush=True)
    child.wait()
""")

TESTS = textwrap.dedent("""
    import os, time
    from harness.provision import lifecycle

    def write(what):
        with open(os.environ["LENS_TEST_JOURNAL"], "a") as fh:
            fh.write(what + "\\n")

    class Server:
        def stop(self):
            write("server stopped")

    def test_starts_a_server():
        lifecycle.register(Server())

    def test_keeps_writing():
        for _ in range(600):
            write("write")
            time.sleep(0.1)

    def test_writes_again():
        test_keeps_writing()
""")


def test_a_sigkilled_harness_leaves_no_child_writing(tmp_path):
    (tmp_path / "test_writer.py").write_text(TESTS)
    journal = tmp_path / "journal"
    harness = subprocess.Popen([sys.executable, "-c", HARNESS, str(tmp_path / "test_writer.py")], cwd=tmp_path,
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "LENS_TEST_JOURNAL": str(journal)})
    child = int(harness.stdout.readline())
    wait_for(lambda: journal.is_file() and journal.read_text().count("write") >= 5, timeout=120, what="the child writing")
    harness.send_signal(signal.SIGKILL)
    harness.wait()
    wait_for(lambda: not alive({child}), timeout=30, what="the pytest child to die with the harness")
    written = journal.read_text()
    time.sleep(2)
    assert journal.read_text() == written, "something still writes after the child died"
    assert written.rstrip().endswith("server stopped"), written[-200:]
