"""The wheel is the product: built from this tree, installed non-editable into a fresh venv and
used from empty folders the way a user would — the gate, a one-file plugin test, and an
unrelated project that must not notice the plugin.

Kept quick and offline-safe: the fresh venv gets only the wheel (`--no-deps`); its
dependencies come from this interpreter's site-packages through a `.pth` line (whose own
`.pth` files, among them this checkout's editable finder, are not processed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_NOISE = shutil.ignore_patterns(".git", ".venv", "reports", "build", "*.egg-info", "__pycache__", ".hypothesis")

PLUGIN_TEST = '''
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_factory_and_as_user(factory, as_user):
    yacht = await factory.yacht()
    user = await factory.user(yacht, "deckhand")
    part = await factory.part(yacht)
    async with as_user(user) as conn:
        assert await conn.fetchval("SELECT current_user") == "authenticated"
        assert await conn.fetchval("SELECT count(*) FROM public.pms_parts WHERE id = $1", part.id) == 1
'''


def _run(cmd, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the wheel built from a clean copy of this tree."""
    work = tmp_path_factory.mktemp("packaging")
    shutil.copytree(ROOT, work / "src", ignore=BUILD_NOISE)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", work / "src"], work)
    assert built.returncode == 0, built.stderr[-2000:]
    env = work / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work).stdout.strip())
    (purelib / "lens-harness-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next((work / "dist").glob("lens_harness-*.whl"))
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], work)
    assert done.returncode == 0, done.stderr[-2000:]
    where = _run([python, "-c", "import harness.config as c, harness.implementations as i; print(c.SUITES_DIR); "
                   "print(c.PROJECT_SQL_DIR); print(i.EXAMPLES)"], work)
    assert where.stdout.splitlines() == [str(purelib / "harness" / d) for d in ("suites", "sql", "examples")]
    return env / "bin"


def test_gate_passes_from_an_empty_folder(installed, tmp_path):
    gate = _run([installed / "lens-harness", "run", "--quiet"], tmp_path, timeout=600)
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr[-3000:]
    assert "PASS" in gate.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]
    (report,) = (tmp_path / "reports").iterdir()
    assert (report / "signoff.html").is_file() and (report / "junit.xml").is_file()


def test_second_lens_passes_from_an_empty_folder_without_binding(installed, tmp_path):
    """Only its migrations are in the folder: the binding is read from the catalog and its API
    comes from the wheel (harness.examples), not from a source checkout."""
    shutil.copytree(ROOT / "examples" / "second_lens" / "supabase", tmp_path / "supabase")
    gate = _run([installed / "lens-harness", "run", "--quiet", "--sql-dir", "supabase"], tmp_path, timeout=600)
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr[-3000:]
    assert "PASS" in gate.stderr and "ModuleNotFoundError" not in gate.stderr


def test_one_file_plugin_test_passes(installed, tmp_path):
    (tmp_path / "test_mine.py").write_text(PLUGIN_TEST)
    run = _run([installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout and "warning" not in run.stdout.lower()


def test_errors_name_the_pytest_option(installed, tmp_path):
    (tmp_path / "test_mine.py").write_text(PLUGIN_TEST)
    run = _run([installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--lens-sql-dir", tmp_path / "nowhere"], tmp_path)
    assert run.returncode == 2
    assert "--lens-sql-dir" in run.stdout and " --sql-dir" not in run.stdout


def test_unrelated_project_does_not_notice_the_plugin(installed, tmp_path):
    """An unknown LENS_SQL_DIR would stop any run that validated or provisioned anything."""
    (tmp_path / "test_plain.py").write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    run = subprocess.run([str(installed / "python"), "-m", "pytest", "-n", "2", "-p", "no:cacheprovider"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, env={**os.environ, "LENS_SQL_DIR": str(tmp_path / "nowhere")})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout
    assert "warning" not in (run.stdout + run.stderr).lower()


def test_no_harness_module_shadows_the_standard_library():
    """An installed gate runs pytest from inside the harness package (its suites ship there), so a
    harness module named like a standard one (``harness/platform``) is imported in its place and
    every child dies before collecting a test (0 of 0, exit 2)."""
    package = ROOT / "harness"
    names = {p.stem for p in package.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert sorted(names & set(sys.stdlib_module_names)) == []
