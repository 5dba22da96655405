"""The pytest plugin in a team's own test run: a test on another event loop than the harness's
session fixtures is told what to change, in words, next to pytest's own error."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

TEST = '''
import asyncio
import pytest
import pytest_asyncio


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def session_future():
    return asyncio.get_running_loop().create_future()


@pytest.mark.asyncio
async def test_on_the_default_loop(session_future):
    session_future.get_loop().call_soon(session_future.set_result, 1)
    await session_future
'''


def test_a_test_on_another_loop_is_told_to_use_the_session_loop(tmp_path):
    (tmp_path / "test_loop.py").write_text(TEST)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null",
                             "--rootdir", str(tmp_path), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "attached to a different loop" in result.stdout, result.stdout[-2000:]
    assert "use loop_scope=session" in result.stdout and '@pytest.mark.asyncio(loop_scope="session")' in result.stdout


@pytest.mark.slow
def test_the_readme_example_passes_on_the_reference_and_fails_on_a_widened_policy(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = re.search(r"A worked\s+example.*?```python\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "test_our_rls.py").write_text(example)
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null", "--rootdir",
            str(tmp_path), str(tmp_path)]
    passed = subprocess.run(base, capture_output=True, text=True, timeout=300)
    assert passed.returncode == 0, passed.stdout[-2000:]
    failed = subprocess.run(base + ["--lens-mutant", "rls_parts_select_without_yacht"], capture_output=True,
                            text=True, timeout=300)
    assert failed.returncode == 1 and "assert mine.id in seen and foreign.id not in seen" in failed.stdout
