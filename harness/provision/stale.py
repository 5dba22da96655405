"""Folders of runs that were killed (SIGKILL, OOM, power loss): embedded clusters, and the gate's
private settings folders (`lens-settings-*`, whose 0600 file holds the DSN and the JWT secret).

The server dies with its harness (parent-death signal), but nothing removes its folder in
/dev/shm, which holds the whole cluster in memory. Each folder records the pid of the harness
that owns it (`owner.pid`); a later run removes the folders whose owner is gone and whose
postmaster is not running. A folder without an owner file (a run of an older version, or one in
its first seconds) is only removed when no postmaster runs in it and it is older than an hour.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

OWNER_FILE = "owner.pid"
PATTERN = "lens-pg-*"
UNOWNED_AGE = 3600


SETTINGS_DIRS = "lens-settings-"


def claim(base_dir: Path) -> None:
    (base_dir / OWNER_FILE).write_text(str(os.getpid()))


def private_dir(prefix: str) -> Path:
    """A new 0700 folder under the temp dir owned by this process (for a settings file: it holds
    the DSN and the JWT secret); the stale ones of killed processes are removed first."""
    sweep(tempfile.gettempdir(), prefix + "*")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    claim(folder)
    return folder


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
        return True
    except (OSError, ValueError, IndexError):
        return False


def is_stale(folder: Path) -> bool:
    if _alive(folder / "data" / "postmaster.pid"):
        return False
    owner = folder / OWNER_FILE
    if owner.exists():
        return not _alive(owner)
    try:
        return time.time() - folder.stat().st_mtime > UNOWNED_AGE
    except OSError:
        return False


def sweep(parent: str | None, pattern: str = PATTERN) -> list[Path]:
    """Remove the stale folders matching `pattern` under `parent` (default: the cluster folders
    under the cluster parent dir); return them."""
    removed = []
    for folder in Path(parent or "/tmp").glob(pattern):
        if folder.is_dir() and is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
