"""The gate's ``--dist loadgroup``: a module's tests share one worker (its module fixtures made
once), a ``spread`` module's tests go to several, the spread ones first.  Run for real through
pytest-xdist on two throwaway modules, because xdist's own grouping silently stopped working
once pytest 9.2 changed how node ids are stored (docs/REMOTE.md)."""

import os
import subprocess
import sys
import textwrap

MODULE = """
import os, time
{mark}
def test_{name}_1(): time.sleep(0.4); print("WORKER", os.environ["PYTEST_XDIST_WORKER"])
def test_{name}_2(): time.sleep(0.4); print("WORKER", os.environ["PYTEST_XDIST_WORKER"])
def test_{name}_3(): time.sleep(0.4); print("WORKER", os.environ["PYTEST_XDIST_WORKER"])
"""


def test_modules_stay_together_and_spread_modules_spread(tmp_path):
    (tmp_path / "test_grouped.py").write_text(textwrap.dedent(MODULE.format(mark="", name="grouped")))
    (tmp_path / "test_spread.py").write_text(textwrap.dedent(MODULE.format(
        mark="import pytest\npytestmark = pytest.mark.spread", name="spread")))
    proc = subprocess.run([sys.executable, "-m", "pytest", "--disable-plugin-autoload",
                           "-p", "xdist.plugin", "-p", "pytest_asyncio.plugin", "-p", "harness.plugin", "-n", "2", "--dist", "loadgroup", "-rA",
                           "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
    workers: dict[str, set[str]] = {}
    for block in proc.stdout.split("_ test_")[1:]:   # -rA: one "Captured stdout call" section per test
        name = block.split(" ")[0]
        worker = next(line.split()[1] for line in block.splitlines() if line.startswith("WORKER"))
        workers.setdefault(name.rsplit("_", 1)[0], set()).add(worker)
    assert len(workers["grouped"]) == 1, workers
    assert len(workers["spread"]) == 2, workers
