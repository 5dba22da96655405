"""A stand-in for a staging server, built WITHOUT the harness's embedded provisioner.

The DSN tests must judge the harness against a server the harness did not make: a
password-protected (scram-sha-256) PostgreSQL started here with the machine's initdb/postgres as
an unprivileged account, logging every statement, and holding "production" rows that existed
before the run. The password needs URL-encoding, so every redaction path is exercised.

What the tests measure on it:
* DDL: statements the server logged (log_statement = 'all', CSV-free plain log) between two
  offsets, filtered to DDL verbs;
* committed writes: every transaction id handed out between two points whose status
  (`pg_xact_status`) is `committed`. A read-only transaction never gets an xid, a rolled-back
  one ends `aborted`, so this counts exactly the committed write transactions;
* rows: an md5 of every row of every user table, before and after.
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg

PASSWORD = "p@ss:w/rd%é"
USER = "stage_owner"
BIN = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
DDL = re.compile(r"LOG:\s+statement:\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|TRUNCATE|SECURITY LABEL|REINDEX)\b", re.IGNORECASE)
USER_SCHEMAS = ("public", "storage", "auth", "lens_harness")


def _account():
    return pwd.getpwnam("postgres") if os.geteuid() == 0 else None


def _die_with_parent() -> None:
    """The server gets SIGQUIT when the *thread* that started it exits (prctl semantics): start
    it from a thread that lives as long as the test (the main thread)."""
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGQUIT)


def free_port() -> int:
    """A free loopback port below the kernel's ephemeral range: between choosing it and the
    server binding it (seconds later, under load), no outgoing connection of another process can
    be handed it as its local port, which used to make the late server's bind fail."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(range(20000, min(low, 32768)), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")


class StagingServer:
    """initdb + postgres as a child; `dsn` carries the URL-encoded password."""

    def __init__(self, port: int | None = None):
        self.base = Path(tempfile.mkdtemp(prefix="lens-stage-test-"))
        self.port = port
        self.client_port = None  # where clients connect: the port, or a latency proxy's in front of it
        self.proc = None

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    @property
    def dsn(self) -> str:
        return f"postgresql://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.client_port or self.port}/staging"

    def _as_account(self) -> dict:
        acc = _account()
        if acc is None:
            return {}
        return {"user": acc.pw_uid, "group": acc.pw_gid, "extra_groups": []}

    def init(self) -> StagingServer:
        """initdb (the slow part): a test can start the server itself later."""
        acc = _account()
        pwfile = self.base / "pw"
        pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
        if acc is not None:
            for p in (self.base, pwfile):
                os.chown(p, acc.pw_uid, acc.pw_gid)
        subprocess.run([str(BIN / "initdb"), "-D", str(self.base / "data"), "-U", USER, "--pwfile", str(pwfile),
                        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True, cwd=self.base, **self._as_account())
        pwfile.unlink()
        return self

    def start(self) -> StagingServer:
        if not (self.base / "data").is_dir():
            self.init()
        self.port = self.port or free_port()
        args = [str(BIN / "postgres"), "-D", str(self.base / "data"), "-p", str(self.port), "-k", str(self.base),
                "-c", "listen_addresses=127.0.0.1", "-c", "log_statement=all", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "max_connections=200", "-c", "log_line_prefix=%p %u xid=%x ",
                "-c", "max_locks_per_transaction=256",
                "-c", "autovacuum=off"]  # an auto-ANALYZE commits too: only the run may take xids
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.base,
                                         preexec_fn=_die_with_parent, **self._as_account())
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                    conn.execute("CREATE DATABASE staging")
                return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- measurements ---------------------------------------------------------------------------
    def log_offset(self) -> int:
        return self.log.stat().st_size

    def ddl_since(self, offset: int) -> list[str]:
        with open(self.log, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode(errors="replace")
        return [line for line in text.splitlines() if DDL.search(line)]

    def next_xid(self) -> int:
        """The next transaction id, read without taking one."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return int(conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()[0])

    def committed_since(self, xid: int) -> int:
        """Committed transactions among the xids handed out since `xid` (read-only ones get none)."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM generate_series(%s::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint - 1) x "
                "WHERE pg_xact_status(x::text::xid8) = 'committed'", [xid]).fetchone()[0]

    def table_hashes(self) -> dict[str, tuple[int, str]]:
        """(row count, md5 of the sorted rows) of every table in the user schemas."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            tables = conn.execute(
                "SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%s) ORDER BY 1", [list(USER_SCHEMAS)]).fetchall()
            return {t: tuple(conn.execute(f"SELECT count(*), md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) "
                                          f"FROM {t} r").fetchone()) for (t,) in tables}

    def tagged_rows(self) -> dict[str, int]:
        """Rows under any harness yacht (names 'lens-...'): what a run must never leave."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM yacht_registry WHERE name LIKE 'lens-%'").fetchall()]
            counts = {"yacht_registry": len(ids)}
            for table in ("auth_users_profiles", "auth_users_roles", "pms_parts", "pms_part_locations",
                          "pms_inventory_stock", "pms_inventory_transactions", "pms_part_usage",
                          "pms_shopping_list_items", "pms_audit_log"):
                counts[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE yacht_id = ANY(%s)", [ids]).fetchone()[0]
            return {k: v for k, v in counts.items() if v}

    def rows_of_run(self, run_id: str) -> int:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM yacht_registry WHERE starts_with(name, %s)",
                                [f"lens-{run_id}-"]).fetchone()[0]


PRODUCTION_ROWS = """
INSERT INTO yacht_registry (id, name) VALUES
  ('11111111-1111-1111-1111-111111111111', 'M/Y Production One'),
  ('22222222-2222-2222-2222-222222222222', 'S/Y Production Two');
INSERT INTO auth_users_profiles (id, yacht_id, is_active) VALUES
  ('aaaaaaaa-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', true),
  ('aaaaaaaa-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222', true);
INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES
  ('aaaaaaaa-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'chief_engineer', true),
  ('aaaaaaaa-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222', 'deckhand', true);
INSERT INTO pms_parts (id, yacht_id, name, part_number, unit) VALUES
  ('bbbbbbbb-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'Impeller', 'IMP-1', 'ea'),
  ('bbbbbbbb-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222', 'Filter', 'FIL-2', 'ea');
INSERT INTO pms_part_locations (id, yacht_id, name, path) VALUES
  ('cccccccc-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'Engine room', 'Engine room'),
  ('cccccccc-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222', 'Lazarette', 'Lazarette');
INSERT INTO pms_inventory_stock (id, yacht_id, part_id, location, location_id, quantity) VALUES
  ('dddddddd-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', 'bbbbbbbb-0000-0000-0000-000000000001',
   'Engine room', 'cccccccc-0000-0000-0000-000000000001', 0),
  ('dddddddd-0000-0000-0000-000000000002', '22222222-2222-2222-2222-222222222222', 'bbbbbbbb-0000-0000-0000-000000000002',
   'Lazarette', 'cccccccc-0000-0000-0000-000000000002', 0);
SELECT * FROM add_stock_inventory('dddddddd-0000-0000-0000-000000000001', 12, '11111111-1111-1111-1111-111111111111', 'received', '{}'::jsonb);
SELECT * FROM add_stock_inventory('dddddddd-0000-0000-0000-000000000002', 7, '22222222-2222-2222-2222-222222222222', 'received', '{}'::jsonb);
"""


def load_production(dsn: str) -> None:
    """Apply the reference migrations (a setup step of the test, as the user's own deploy would)
    and insert rows that belong to real tenants."""
    from harness import migrate
    from harness.config import PROJECT_SQL_DIR

    migrate.apply(dsn, PROJECT_SQL_DIR)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(PRODUCTION_ROWS)


# -- shared by the DSN test modules (one server per module) ---------------------------------------

SPELLINGS = {PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD), json.dumps(PASSWORD)[1:-1]}


#: Put a latency proxy (tests/latency_proxy.py) of this many ms RTT between the tests and the
#: staging server: the staging tests then run as they would against a hosted project.
RTT_ENV = "LENS_TEST_RTT_MS"


@contextmanager
def production_server(rtt_ms: float | None = None):
    """A started staging server with the reference schema and production rows, reached through a
    latency proxy when ``rtt_ms`` (default: $LENS_TEST_RTT_MS) is set; stopped after."""
    from .latency_proxy import LatencyProxy

    rtt = rtt_ms if rtt_ms is not None else float(os.environ.get(RTT_ENV) or 0)
    server = StagingServer().start()
    proxy = LatencyProxy(server.port, rtt).start() if rtt else None
    try:
        load_production(server.dsn)
        server.client_port = proxy.port if proxy else None
        yield server
    finally:
        if proxy:
            proxy.stop()
        server.stop()


def dsn_env(staging) -> dict:
    """The DSN reaches the CLI by environment, as a CI secret would (never argv)."""
    return {**os.environ, "LENS_DSN": staging.dsn}


def leaked_files(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes().decode("utf-8", errors="replace")
            if any(s in data for s in SPELLINGS):
                found.append(str(path.relative_to(root)))
    return found


def cli_process(staging, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "harness.cli", *args], env=dsn_env(staging),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (read from /proc before it is killed)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if Path(f"/proc/{p}").exists() and "(Z" not in Path(f"/proc/{p}/stat").read_text()[:64]
            and " Z " not in Path(f"/proc/{p}/stat").read_text()}


def patience(seconds: float) -> float:
    """``seconds`` (sized on loopback) scaled by the proxy's RTT ($LENS_TEST_RTT_MS): a gate
    through a 50 ms link takes up to ~3x as long, and a timeout sized for loopback would fail a
    correct run there (docs/REMOTE.md)."""
    return seconds * (1 + float(os.environ.get(RTT_ENV) or 0) / 25)


def wait_for(predicate, timeout: float = 180, what: str = "condition"):
    deadline = time.monotonic() + patience(timeout)
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class CmdlineSampler(threading.Thread):
    """Reads the command line of a process and of all its descendants while it runs: the
    password must be in none (other processes on the machine are not the harness's)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.stop, self.leaks, self.samples = root, threading.Event(), set(), 0

    def run(self):
        while not self.stop.is_set():
            for pid in {self.root} | descendants(self.root):
                try:
                    text = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", errors="replace")
                except OSError:
                    continue
                if any(s in text for s in SPELLINGS):
                    self.leaks.add(text.replace("\0", " ")[:200])
            self.samples += 1
            time.sleep(0.1)
