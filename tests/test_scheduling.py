"""The gate's ``--dist loadgroup``: a module's tests share one worker (its module fixtures made
once), a ``spread`` module's tests go to several, an ``early`` module first, then the spread ones.  Run for real through
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


def _run(tmp_path, workers: int, **marks: str) -> list[tuple[str, str]]:
    """(test, worker) in the order the tests ran, for modules ``name`` marked ``mark``."""
    for name, mark in marks.items():
        (tmp_path / f"test_{name}.py").write_text(textwrap.dedent(MODULE.format(
            mark=f"import pytest\npytestmark = pytest.mark.{mark}" if mark else "", name=name)))
    proc = subprocess.run([sys.executable, "-m", "pytest", "--disable-plugin-autoload",
                           "-p", "xdist.plugin", "-p", "pytest_asyncio.plugin", "-p", "harness.plugin", "-n", str(workers),
                           "--dist", "loadgroup", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
    ran = []
    for block in proc.stdout.split("_ test_")[1:]:   # -rA: one "Captured stdout call" section per test, as they ran
        worker = next(line.split()[1] for line in block.splitlines() if line.startswith("WORKER"))
        ran.append((block.split(" ")[0], worker))
    return ran


def test_modules_stay_together_and_spread_modules_spread(tmp_path):
    workers: dict[str, set[str]] = {}
    for name, worker in _run(tmp_path, 2, grouped="", spread="spread"):
        workers.setdefault(name.rsplit("_", 1)[0], set()).add(worker)
    assert len(workers["grouped"]) == 1, workers
    assert len(workers["spread"]) == 2, workers


def test_an_early_module_goes_first_then_the_spread_tests(tmp_path):
    """On one worker the order of the hand-out is the order the tests run."""
    order = [name.rsplit("_", 1)[0] for name, _ in _run(tmp_path, 1, a_plain="", b_spread="spread", z_early="early")]
    assert order == ["z_early"] * 3 + ["b_spread"] * 3 + ["a_plain"] * 3, order
