"""What a reviewer reads when the gate says no, on real gate runs: one approved run (the
reference, one schema test's setup broken) and one run of a mutant that widens access, compared
with it (module fixtures: each answers several questions); an interrupt from a real terminal
(a pty) and a server stopped mid-run. Marked ``slow`` like the other whole-gate tests."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import run_cli

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
MUTANT = "rls_parts_select_without_yacht"  # every role reads another yacht's pms_parts
BROKEN = "test_ledger_is_append_only_for_authenticated"
WIDENED = "table:pms_parts:deckhand:select:foreign: expected denied, got allowed"


def _env(**extra) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("LENS_", "INJECT_"))}, **extra}


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    out = tmp_path_factory.mktemp("approved")
    result = run_cli("run", "--suites", "surface,schema", "--report-dir", str(out), "--quiet", "--",
                     "-p", "tests.inject_failure", timeout=900, cwd=REPO, env=_env(INJECT_SETUP_ERROR=BROKEN))
    return out, result


@pytest.fixture(scope="module")
def widened(approved, tmp_path_factory):
    out = tmp_path_factory.mktemp("widened")
    result = run_cli("run", "--suites", "surface", "--mutant", MUTANT, "--baseline", str(approved[0] / "run.json"),
                     "--report-dir", str(out), "--quiet", timeout=900, env=_env())
    return out, result


def _junit_names(report: Path) -> list[tuple[str, str]]:
    return [(c.get("classname") or "", c.get("name") or "") for c in ET.parse(report / "junit.xml").iter("testcase")]


def test_a_setup_error_is_could_not_verify(approved):
    out, result = approved
    assert result.returncode == 2, result.stdout + result.stderr
    row = next(ln for ln in (out / "signoff.md").read_text().splitlines() if ln.startswith("| ⏸ | Schema lints"))
    assert "could not run" in row and "injected setup error" in row
    assert "Verdict: NOT VERIFIED (exit 2" in (out / "signoff.md").read_text()


def test_a_widened_policy_names_its_failing_cells_on_the_console(widened):
    out, result = widened
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed inventory cells (10 of" in result.stderr and WIDENED in result.stderr
    assert "fail: Attack-surface inventory: " in result.stderr
    signoff = (out / "signoff.md").read_text()
    assert "failed: Attack-surface inventory" in signoff  # criteria in words, not ids
    assert "| table | pms_parts | deckhand | select | foreign | denied | allowed" in signoff
    row = next(ln for ln in signoff.splitlines() if ln.startswith("| ❌ | Attack-surface inventory"))
    assert re.search(r"24 failed: \w+:pms_parts:deckhand:select:\w+: expected denied, got allowed", row), row
    assert all(name and cls for cls, name in _junit_names(out))


def test_the_baseline_names_the_widened_cell_first(widened):
    out, result = widened
    said = result.stderr[result.stderr.index("changed since the baseline"):]
    first = said.splitlines()[1].strip()
    assert re.match(r"\w+ may now SELECT (pms_parts|pms_part_stock) \(\w+, \w+\) \(was denied\)", first), said
    assert "deckhand may now SELECT pms_parts (table, foreign) (was denied)" in said
    signoff = (out / "signoff.md").read_text()
    assert "## Changed since the approved run" in signoff
    assert "**widened:** deckhand may now SELECT pms_parts (table, foreign) (was denied)" in signoff
    run = json.loads((out / "run.json").read_text())
    assert run["verdict"]["changes"][0]["kind"] == "widened"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium")
def test_the_failing_signoff_fits_a_1280_px_page(widened, tmp_path):
    """Headless Chromium at 1280 px: the page is no wider than the window (no horizontal scroll)."""
    page = widened[0] / "signoff.html"
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", "<script>addEventListener('load', () => document.body"
                                              ".setAttribute('data-fit', [document.documentElement.scrollWidth, "
                                              "document.documentElement.clientWidth].join('/')))</script></body>"))
    (widened[0] / "probe.html").write_text(probe.read_text())  # beside the page: its relative links resolve
    shot = tmp_path / "signoff.png"
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,1600"]
    dom = subprocess.run(args + ["--dump-dom", (widened[0] / "probe.html").as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    subprocess.run(args + [f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    scroll, client = map(int, re.search(r'data-fit="(\d+)/(\d+)"', dom).groups())
    assert scroll <= client <= 1280, f"the page is {scroll} px wide in a {client} px window"
    assert shot.is_file() and shot.stat().st_size > 10_000


def _suites_running(report: Path) -> bool:
    """Tests are under way: a test's result is written (Allure writes one file per finished test,
    at once; pytest's -q dots reach the log file only when its buffer is flushed, under load as
    late as the end of the run), or the child's log shows progress."""
    if any((report / "allure-results").glob("*-result.json")):
        return True
    log = report / "pytest.log"
    return log.is_file() and re.search(r"^[.FEsx]{3,}", log.read_text(errors="replace"), re.M) is not None


def _read(fd: int, until, timeout: float = 300) -> bytes:
    """Read a pty until ``until()`` or end of output: a terminal nobody reads blocks its writer."""
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline and not until():
        if select.select([fd], [], [], 0.3)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def test_ctrl_c_in_a_terminal_is_130_everywhere_with_no_synthetic_test(tmp_path):
    """The harness in a pty (its own session and terminal, as a user runs it); ^C is typed."""
    report = tmp_path / "report"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal's foreground process
        os.execve(sys.executable, [sys.executable, "-m", "harness.cli", "run", "--report-dir", str(report)], _env())
    console = _read(fd, lambda: _suites_running(report))
    assert _suites_running(report), console.decode(errors="replace")[-2000:]
    started = time.monotonic()
    console += _read(fd, lambda: time.monotonic() - started > 2)
    os.write(fd, b"\x03")
    console += _read(fd, lambda: False)
    _, status = os.waitpid(pid, 0)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.decode(errors="replace"))
    assert os.waitstatus_to_exitcode(status) == 130, text[-2000:]
    assert "INTERRUPTED (exit 130)" in text and "unmapped tests: 0; exit 130" in text
    assert "FAIL (exit 1)" not in text
    signoff = (report / "signoff.md").read_text()
    assert "Verdict: INTERRUPTED (exit 130" in signoff and "belong to no criterion" not in signoff
    assert json.loads((report / "run.json").read_text())["verdict"]["exit_code"] == 130
    names = _junit_names(report)
    assert names and all(cls and name for cls, name in names), [n for n in names if not all(n)]


def _postgres_children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if line.split()[1:] == ["postgres"]]


def test_the_server_stopped_mid_run_is_could_not_verify_naming_it(tmp_path):
    report = tmp_path / "report"
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "run", "--suites", "surface",
                             "--report-dir", str(report), "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    deadline = time.monotonic() + 300
    while not _suites_running(report) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.3)
    postmasters = _postgres_children(proc.pid)
    assert len(postmasters) == 1, postmasters
    os.kill(postmasters[0], signal.SIGINT)  # fast shutdown, as a stray Ctrl-C to its group once did
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, out + err
    assert re.search(r"stopped answering during the suites: the embedded server postgresql://postgres@127\.0\.0\.1:\d+/", err), err
    signoff = (report / "signoff.md").read_text()
    assert "Verdict: NOT VERIFIED (exit 2" in signoff and "stopped answering" in signoff
    assert "do not deploy" not in signoff + err
