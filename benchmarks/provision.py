"""Cold provision + migrate, against the floor of doing it by hand, same machine, same run.

Harness: EmbeddedServer.start() (initdb + server) + migrate into the template + one clone.
Floor:   initdb, pg_ctl start -w, psql -1 -f <each file>, as the same unprivileged account.
Also: the time to clone the migrated template for a new worker (median of --clones).

    python benchmarks/provision.py --runs 5 --clones 20
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.config import Settings  # noqa: E402
from harness.migrate import discover  # noqa: E402
from harness.provision import clone_for, janitor, prepare  # noqa: E402
from harness.provision.embedded import EmbeddedServer, _run_as_account, cluster_parent_dir, find_bin_dir, free_port  # noqa: E402


def harness_once(settings: Settings) -> float:
    started = time.perf_counter()
    server = EmbeddedServer().start()
    try:
        template = prepare(server, settings)
        clone_for(server, template, "bench")
        return time.perf_counter() - started
    finally:
        server.stop()


def floor_once(settings: Settings) -> float:
    bin_dir, account = find_bin_dir(), _run_as_account()
    base = Path(tempfile.mkdtemp(prefix="lens-floor-", dir=cluster_parent_dir()))  # same storage as the harness
    kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    if account:
        os.chown(base, account.pw_uid, account.pw_gid)
    port, data = free_port(), base / "data"
    psql = shutil.which("psql") or str(bin_dir / "psql")
    files = [m.path for m in discover(settings.sql_dir)]
    for f in files:
        shutil.copy(f, base)
    started = time.perf_counter()
    try:
        run = lambda *cmd: subprocess.run(cmd, check=True, capture_output=True, cwd=base, **kwargs)  # noqa: E731
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
            f"-p {port} -k {base} -c fsync=off -c listen_addresses=127.0.0.1", "start")
        for f in files:
            run(psql, "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-1",
                "-f", str(base / f.name), "postgres")
        return time.perf_counter() - started
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, cwd=base, **kwargs)
        shutil.rmtree(base, ignore_errors=True)


def clone_times(settings: Settings, n: int) -> list[float]:
    with EmbeddedServer() as server:
        template = prepare(server, settings)
        times = []
        for i in range(n):
            started = time.perf_counter()
            clone_for(server, template, f"worker_{i}")
            times.append(time.perf_counter() - started)
            janitor.drop_database(server.admin_dsn, f"worker_{i}")
        return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clones", type=int, default=20)
    args = parser.parse_args()
    settings = Settings.from_env()
    harness, floor = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        harness.append(harness_once(settings))
        floor.append(floor_once(settings))
    clones = clone_times(settings, args.clones)
    result = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": args.runs,
        "harness_s_median": round(statistics.median(harness), 3), "floor_s_median": round(statistics.median(floor), 3),
        "ratio": round(statistics.median(harness) / statistics.median(floor), 2),
        "clone_ms_median": round(statistics.median(clones) * 1000, 1), "clone_ms_max": round(max(clones) * 1000, 1),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
