"""Benchmark: where the cold gate's time goes, beside a baseline commit.

    python benchmarks/gate.py [--runs 3] [--baseline HEAD~1] [--top 12] [--profile smoke]

Each run is a cold `lens-harness run --quiet` of one tree (no __pycache__, fresh clusters: the
gate provisions its own), in a fresh report folder; the baseline is a detached git worktree of
`--baseline` benchmarked in the same session, runs interleaved so machine load hits both alike.
Per tree it prints the medians of: total wall time, each gate step (run.json), each suite
(sum of its test times from junit.xml: worker-seconds, not wall), and the slowest tests.
Results also go to benchmarks/results/gate-<time>.json. Speed claims quote this output, the
machine (nproc) and its load average, which are printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cold(tree: Path) -> None:
    for cache in tree.rglob("__pycache__"):
        if ".venv" not in cache.parts:
            shutil.rmtree(cache, ignore_errors=True)


def _suite_of(classname: str) -> str:
    parts = classname.split(".")
    return parts[parts.index("suites") + 1] if "suites" in parts[:-1] else parts[0]


def gate_once(tree: Path, profile: str) -> dict:
    """One cold gate of `tree` (its own harness on PYTHONPATH): wall time, steps, test times."""
    _cold(tree)
    report = Path(tempfile.mkdtemp(prefix="lens-bench-gate-"))
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--quiet", "--profile", profile,
                           "--report-dir", str(report / "r")], cwd=report, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    run = json.loads((report / "r" / "run.json").read_text()) if (report / "r" / "run.json").is_file() else {}
    tests = {}
    junit = report / "r" / "junit.xml"
    if junit.is_file():
        for case in ET.parse(junit).getroot().iter("testcase"):
            tests[f"{case.get('classname')}::{case.get('name')}"] = float(case.get("time") or 0)
    shutil.rmtree(report, ignore_errors=True)
    return {"exit": proc.returncode, "wall": wall, "tests": tests,
            "steps": {s["name"].split(":")[0]: s.get("seconds", 0) for s in run.get("steps", [])},
            "postgres_version": run.get("postgres_version")}


def summarize(runs: list[dict]) -> dict:
    """Medians over runs of: wall, steps, per-suite test seconds, per-test seconds."""
    med = statistics.median
    suites = defaultdict(list)
    for r in runs:
        per_suite = defaultdict(float)
        for name, seconds in r["tests"].items():
            per_suite[_suite_of(name.split("::")[0])] += seconds
        for suite, seconds in per_suite.items():
            suites[suite].append(seconds)
    names = {n for r in runs for n in r["tests"]}
    return {
        "exits": [r["exit"] for r in runs], "wall": med(r["wall"] for r in runs),
        "steps": {s: med(r["steps"].get(s, 0) for r in runs) for s in runs[0]["steps"]},
        "suites": {s: med(v) for s, v in sorted(suites.items())},
        "tests": {n: med(r["tests"].get(n, 0) for r in runs) for n in names},
        "count": med(len(r["tests"]) for r in runs), "postgres_version": runs[-1]["postgres_version"],
    }


def _baseline_tree(rev: str) -> Path:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True, check=True).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"lens-bench-baseline-{sha}"
    if not tree.is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha], check=True, capture_output=True)
    return tree


def _fmt(value) -> str:
    return "—" if value is None else f"{value:6.1f}"


def print_tables(results: dict[str, dict], top: int) -> None:
    labels = list(results)
    head = " | ".join(f"{label:>12}" for label in labels)
    print(f"\n{'':34} | {head}")
    rows = [("TOTAL wall (median)", {k: v["wall"] for k, v in results.items()}),
            ("exit codes", None)]
    for label, values in rows:
        if values is None:
            print(f"{label:34} | " + " | ".join(f"{','.join(map(str, results[k]['exits'])):>12}" for k in labels))
        else:
            print(f"{label:34} | " + " | ".join(f"{_fmt(values[k]):>12}" for k in labels))
    print(f"{'tests':34} | " + " | ".join(f"{results[k]['count']:>12}" for k in labels))
    for section in ("steps", "suites"):
        print(f"-- {section} (s{'; sum of test times, worker-seconds' if section == 'suites' else ', wall'})")
        keys = sorted({key for r in results.values() for key in r[section]}, key=lambda k: -max(r[section].get(k, 0) for r in results.values()))
        for key in keys:
            print(f"  {key[:32]:32} | " + " | ".join(f"{_fmt(results[k][section].get(key)):>12}" for k in labels))
    current = results[labels[-1]]
    print(f"-- slowest tests ({labels[-1]}, median s)")
    for name, seconds in sorted(current["tests"].items(), key=lambda kv: -kv[1])[:top]:
        others = " | ".join(f"{_fmt(results[k]['tests'].get(name)):>6}" for k in labels[:-1])
        print(f"  {seconds:6.1f}  {('(' + others + ')  ') if others else ''}{name[-110:]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=None, help="git revision to benchmark beside the working tree (e.g. HEAD~1)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--profile", default="smoke")
    args = parser.parse_args(argv)
    trees = {"current": ROOT}
    if args.baseline:
        trees = {f"base {args.baseline}": _baseline_tree(args.baseline), **trees}
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}", flush=True)
    runs: dict[str, list] = {label: [] for label in trees}
    for i in range(args.runs):
        for label, tree in trees.items():
            r = gate_once(tree, args.profile)
            runs[label].append(r)
            print(f"run {i + 1}/{args.runs} {label:>14}: exit {r['exit']}, {r['wall']:.1f}s, {len(r['tests'])} tests, "
                  f"PostgreSQL {r['postgres_version']}", flush=True)
    results = {label: summarize(rs) for label, rs in runs.items()}
    print(f"load average after: {os.getloadavg()}")
    print_tables(results, args.top)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"gate-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"runs": runs, "summary": results, "cores": os.cpu_count()}, indent=1))
    print(f"\nraw results: {path}")
    return 0 if all(code == 0 for r in results.values() for code in r["exits"]) else 1


if __name__ == "__main__":
    sys.exit(main())
