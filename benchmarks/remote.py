"""Benchmark: the gate and the load across a slow network (issue 21), all in one run.

    python benchmarks/remote.py [--rtts 0,20,50] [--modes verify,writes,load] [--load-seconds 20]

Starts a password-protected (scram) PostgreSQL holding the reference migrations and rows
(tests/staging_server.py) and, per RTT, a latency proxy (tests/latency_proxy.py) in front of it.
Through the proxy it times ``lens-harness run --target dsn`` (verify-only), the same with
``--allow-writes``, and ``lens-harness load --rate R`` ``--via dsn`` (proxy between generator and
database) and ``--via api`` (proxy between generator and API; the API next to the database).
R is 80 % of the rate a closed loop of ``--load-users`` reached at 0 ms. It prints, per RTT: the
wall time, the ratio to 0 ms, the RTT the gate measured and the workers it chose, the tests run
and skipped (they must not change with the RTT), the messages clients sent through the proxy (an
upper bound of their round trips), and for the load the rate held and the users needed. The DSN
reaches every child by environment only. Results go to benchmarks/results/remote-<time>.json;
the load average is printed with them (the machine is shared: prefer ratios within one run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.config import Settings  # noqa: E402
from harness.load.api_process import api_process  # noqa: E402
from tests.latency_proxy import LatencyProxy  # noqa: E402
from tests.staging_server import production_server  # noqa: E402


def _cli(dsn: str, *args: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "harness.cli", *args], env={**os.environ, "LENS_DSN": dsn},
                          capture_output=True, text=True, cwd=tempfile.gettempdir())
    return proc.returncode, time.perf_counter() - started, proc.stdout + proc.stderr


def _through(dsn: str, port: int, proxy: LatencyProxy) -> str:
    return dsn.replace(f":{port}/", f":{proxy.port}/")


def gate(dsn: str, port: int, rtt: float, writes: bool) -> dict:
    out = Path(tempfile.mkdtemp(prefix="lens-remote-gate-"))
    with LatencyProxy(port, rtt) as proxy:
        code, wall, text = _cli(_through(dsn, port, proxy), "run", "--target", "dsn", "--quiet", "--report-dir",
                                str(out), *(["--allow-writes"] if writes else []))
        messages = proxy.messages
    run = json.loads((out / "run.json").read_text()) if (out / "run.json").is_file() else {}
    suites = next((s.get("note", "") for s in run.get("steps", []) if s["name"].startswith("suites")), "")
    shutil.rmtree(out, ignore_errors=True)
    return {"exit": code, "seconds": round(wall, 1), "network": run.get("network"), "tests": suites.strip(" —"),
            "messages": messages, "tail": text.strip().splitlines()[-1:] if code else []}


def load(dsn: str, port: int, rtt: float, seconds: float, via: str, rate: float | None, users: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="lens-remote-load-"))
    bound = ["--rate", str(rate)] if rate else ["--users", str(users)]
    common = ["load", "--target", "dsn", "--allow-writes", "--run-time", str(seconds), "--out", str(out), *bound]
    if via == "dsn":
        with LatencyProxy(port, rtt) as proxy:
            code, _, text = _cli(_through(dsn, port, proxy), *common)
    else:
        with api_process(dsn, Settings().jwt_secret) as url:
            api_port = int(url.rsplit(":", 1)[1].split("/")[0])
            with LatencyProxy(api_port, rtt) as proxy:
                code, _, text = _cli(dsn, *common, "--api-url", f"http://127.0.0.1:{proxy.port}")
    summary = json.loads((out / "load_summary.json").read_text()) if (out / "load_summary.json").is_file() else {}
    shutil.rmtree(out, ignore_errors=True)
    return {"exit": code, "rps": summary.get("rps"), "rate": summary.get("rate"),
            "valid": summary.get("checker", {}).get("valid"), "p50_ms": summary.get("p50_ms"),
            "tail": text.strip().splitlines()[-2:] if code else []}


def _ratio(value, base) -> str:
    return f"{value / base:.2f}x" if value and base else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rtts", default="0,20,50")
    parser.add_argument("--modes", default="verify,writes,load")
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--load-users", type=int, default=8)
    args = parser.parse_args()
    rtts = [float(r) for r in args.rtts.split(",")]
    modes = args.modes.split(",")
    results: dict = {"rtts": rtts, "nproc": os.cpu_count(), "loadavg_start": os.getloadavg()}
    with production_server(rtt_ms=0) as server:
        dsn, port = server.dsn, server.port
        for mode, writes in (("verify", False), ("writes", True)):
            if mode in modes:
                results[mode] = {rtt: gate(dsn, port, rtt, writes) for rtt in rtts}
                print(mode, json.dumps(results[mode], default=str), flush=True)
        if "load" in modes:
            for via in ("dsn", "api"):
                closed = load(dsn, port, 0, args.load_seconds, via, None, args.load_users)
                rate = round(0.8 * (closed["rps"] or 0), 1)
                results[f"load_{via}"] = {"closed_rps_0ms": closed["rps"], "rate": rate,
                                          **{rtt: load(dsn, port, rtt, args.load_seconds, via, rate, 0) for rtt in rtts}}
                print(f"load_{via}", json.dumps(results[f"load_{via}"], default=str), flush=True)
    results["loadavg_end"] = os.getloadavg()
    _print(results, rtts)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = ROOT / "benchmarks" / "results" / f"remote-{stamp}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten {target}")
    return 0


def _print(results: dict, rtts: list[float]) -> None:
    print(f"\nnproc {results['nproc']}, load average {results['loadavg_start']} -> {results['loadavg_end']}")
    print("| run | RTT set | wall s | ratio to 0 ms | RTT measured | workers | tests | client messages | exit |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode in ("verify", "writes"):
        for rtt in rtts if mode in results else ():
            r, base = results[mode][rtt], results[mode][rtts[0]]
            net = r["network"] or {}
            print(f"| {mode} | {rtt:.0f} ms | {r['seconds']} | {_ratio(r['seconds'], base['seconds'])} | "
                  f"{net.get('rtt_ms', '—')} ms | {net.get('workers', '—')} | {r['tests']} | {r['messages']} | {r['exit']} |")
    for via in ("dsn", "api"):
        block = results.get(f"load_{via}")
        if not block:
            continue
        print(f"\nload --via {via}: closed loop at 0 ms {block['closed_rps_0ms']} req/s; --rate {block['rate']}")
        print("| RTT | held req/s | within 5 % | users needed | p50 ms | checker | exit |")
        print("|---|---|---|---|---|---|---|")
        for rtt in rtts:
            r = block[rtt]
            held = (r["rate"] or {}).get("held")
            ok = held is not None and abs(held - block["rate"]) <= 0.05 * block["rate"]
            print(f"| {rtt:.0f} ms | {held} | {'yes' if ok else 'NO'} | {(r['rate'] or {}).get('users_needed')} | "
                  f"{r['p50_ms']} | {r['valid']} | {r['exit']} |")


if __name__ == "__main__":
    sys.exit(main())
