"""Load past one process: requests/s against the reference API with 1, 2 and 4 locust worker
processes, beside the pgbench floor on the same SQL functions.

Every leg runs the same work on the same migrated database: crew members consuming one unit
three times for every receive of one unit (``consume_part`` / ``receive_part`` over HTTP, each a
call of ``deduct_stock_inventory`` / ``add_stock_inventory`` in a PostgREST-style transaction),
at the same number of users for the same time. Leg "1" is a plain single-process locust run;
"2" and "4" are locust's distributed mode (``lens-harness load --processes N``: one master, N
worker processes, histories merged and judged by the checker). pgbench calls the two functions
directly with the same 3:1 mix (a custom script, as ``authenticated`` with JWT claims): the most
the database itself sustains at that concurrency, so the ratios say what the HTTP API and the
load generator cost. The API is one uvicorn process (as ``lens-harness load`` starts it).

    python benchmarks/load.py --users 32 --seconds 20
    python benchmarks/load.py --dsn postgresql://... --allow-writes

Writes ``load_benchmark.json`` and each leg's locust CSVs into ``--out``; prints the table with
``nproc`` and the load average, which say how busy the machine was.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _target import leg_args  # noqa: E402
from consume_throughput import pgbench_leg  # noqa: E402

from harness.cli import provisioned  # noqa: E402
from harness.load.api_process import api_process  # noqa: E402
from harness.load.distributed import Distribution  # noqa: E402
from harness.load.runner import run_load  # noqa: E402
from harness.provision.embedded import free_port  # noqa: E402

PROCESSES = (1, 2, 4)


def main(argv: list[str] | None = None) -> int:
    args, settings = leg_args(__doc__, argv, users=32, out="benchmarks/results/load")
    out, n, t = Path(args.out), args.users, args.seconds
    legs = {}
    with provisioned(settings, "lens_load_bench") as (_, database):
        with api_process(database.dsn, settings.jwt_secret) as url:
            for k in PROCESSES:
                spread = Distribution(k, port=free_port()) if k > 1 else None
                summary = run_load("api", database.dsn, url, n, n, t, None, out / f"processes-{k}",
                                   jwt_secret=settings.jwt_secret, spread=spread)
                legs[f"api, {k} process{'es' if k > 1 else ''}"] = {
                    "rps": summary["rps"], "requests": summary["requests"], "failures": summary["failures"],
                    "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"],
                    "checker_valid": summary["checker"]["valid"]}
        legs["pgbench floor (same functions)"] = pgbench_leg(database.dsn, n, t)
    floor = legs["pgbench floor (same functions)"].get("rps")
    machine = {"nproc": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    report = {"users": n, "seconds": t, "machine": machine, "legs": legs}
    out.mkdir(parents=True, exist_ok=True)
    (out / "load_benchmark.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"{n} users, {t} s per leg; nproc {machine['nproc']}, load average {machine['loadavg']}")
    print(f"{'leg':34s} {'req/s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'failures':>8s} {'vs pgbench':>10s}")
    for name, leg in legs.items():
        ratio = f"{leg['rps'] / floor:.2f}" if floor and leg.get("rps") else "—"
        print(f"{name:34s} {leg.get('rps')!s:>8s} {leg.get('p50_ms')!s:>7s} {leg.get('p99_ms')!s:>7s} "
              f"{leg.get('failures')!s:>8s} {ratio:>10s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
