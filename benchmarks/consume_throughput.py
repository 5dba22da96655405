"""Consume throughput: the HTTP API and the DSN locust user against a pgbench floor.

All three run the same work at the same concurrency on the same machine and database:
deduct one unit three times for every add of one unit, as an ``authenticated`` crew
member (PostgREST-style transaction). pgbench calling the SQL functions directly is
the floor -- the most the database itself sustains -- so the ratios say how much the
HTTP layer and the Python client cost.

    python benchmarks/consume_throughput.py --users 16 --seconds 20
    python benchmarks/consume_throughput.py --dsn postgresql://... --allow-writes

The API runs in a subprocess: locust monkey-patches threading, so an in-process uvicorn
thread would share the load generator's gevent hub and measure the wrong thing.
Writes ``consume_throughput.json`` and each leg's locust CSVs into ``--out``.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.cli import provisioned  # noqa: E402

from _target import leg_args  # noqa: E402
from harness.load.plan import LoadPlan, purge, seed  # noqa: E402
from harness.load.api_process import api_process  # noqa: E402
from harness.load.runner import run_load  # noqa: E402

PGBENCH_CALL = ("SELECT * FROM public.{fn}(p_stock_id => '{stock}'::uuid, p_quantity => 1, "
                "p_details => jsonb_build_object('idempotency_key', gen_random_uuid()::text));")


def pgbench_leg(dsn: str, users: int, seconds: int) -> dict:
    """pgbench -c/-j users for ``seconds`` with the DSN user's 3:1 deduct/add mix."""
    binary = shutil.which("pgbench")
    if binary is None:
        return {"skipped": "pgbench not on PATH (apt-get install postgresql-client)"}
    seeded = asyncio.run(seed(dsn, actors=1))
    try:
        claims = LoadPlan.claims_json(seeded.users[0]).replace("'", "''")
        with tempfile.TemporaryDirectory() as tmp:
            scripts = []
            for fn, weight in (("deduct_stock_inventory", 3), ("add_stock_inventory", 1)):
                path = Path(tmp) / f"{fn}.sql"
                path.write_text("BEGIN;\nSET LOCAL ROLE authenticated;\n"
                                f"SELECT set_config('request.jwt.claims', '{claims}', true);\n"
                                + PGBENCH_CALL.format(fn=fn, stock=seeded.stocks[0].id)
                                + "\nCOMMIT;\n")
                scripts += ["-f", f"{path}@{weight}"]
            proc = subprocess.run([binary, "-n", "-c", str(users), "-j", str(users),
                                   "-T", str(seconds), *scripts, dsn],
                                  capture_output=True, text=True, check=False)
    finally:
        asyncio.run(purge(dsn, seeded))
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-500:]}
    tps = re.search(r"tps = ([\d.]+)", proc.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    return {"rps": round(float(tps.group(1)), 1) if tps else None,
            "avg_ms": float(latency.group(1)) if latency else None,
            "failures": int(failed.group(1)) if failed else 0}


def _leg(summary: dict) -> dict:
    keys = ("rps", "requests", "failures", "p50_ms", "p95_ms", "p99_ms", "avg_ms")
    return {k: summary.get(k) for k in keys} | {"checker_valid": summary["checker"]["valid"]}


def main(argv: list[str] | None = None) -> int:
    args, settings = leg_args(__doc__, argv, users=16, out="benchmarks/results/throughput")
    out = Path(args.out)
    n, t = args.users, args.seconds
    with provisioned(settings, "lens_throughput_bench") as (_, database):
        dsn = database.dsn
        legs = {"pgbench": pgbench_leg(dsn, n, t)}
        legs["dsn_user"] = _leg(run_load("dsn", dsn, None, n, n, t, None, out / "dsn"))
        with api_process(dsn, settings.jwt_secret) as url:
            legs["api"] = _leg(run_load("api", dsn, url, n, n, t, None, out / "api",
                                        jwt_secret=settings.jwt_secret))
    floor = legs["pgbench"].get("rps")
    report = {"users": n, "seconds": t, "legs": legs, "ratios_to_pgbench": {
        name: round(leg["rps"] / floor, 3) if floor and leg.get("rps") else None
        for name, leg in legs.items() if name != "pgbench"}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "consume_throughput.json").write_text(json.dumps(report, indent=2, default=str))
    for name, leg in legs.items():
        print(f"{name:9s} {leg.get('rps')} req/s  p50 {leg.get('p50_ms')} ms  "
              f"p99 {leg.get('p99_ms')} ms  failures {leg.get('failures')}")
    print("ratios to the pgbench floor:", report["ratios_to_pgbench"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
