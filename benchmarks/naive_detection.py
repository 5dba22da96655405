"""Proof of teeth: how often, and how fast, the checker catches the naive SUT's race.

Runs the concurrent-consume race (``harness.load.stress.consume_race``) ``--runs`` times
against the naive variant of the reference API (read-check-write without a row lock) and
reports the detection rate, the time to detection and which anomaly kinds fired.
``--control`` runs the same race against the reference variant, where the rate must be 0.

    python benchmarks/naive_detection.py --runs 20            # embedded server
    python benchmarks/naive_detection.py --dsn postgresql://... --allow-writes

Writes ``naive_detection.json`` (and the first detected history) into ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.cli import provisioned  # noqa: E402

from _target import add_target_args, target_settings  # noqa: E402
from harness.config import Settings  # noqa: E402
from harness.load.stress import consume_race  # noqa: E402
from harness.sut.adapter import SutClient  # noqa: E402
from harness.sut.api import create_app  # noqa: E402
from harness.sut.auth import mint  # noqa: E402
from harness.sut.server import serve_in_thread  # noqa: E402


def measure(dsn: str, settings: Settings, variant: str, runs: int, actors: int, opening: int,
            out: Path) -> dict:
    """``runs`` races against ``variant``; the detection rate and timings."""
    app = create_app(dsn, jwt_secret=settings.jwt_secret, variant=variant, pool_size=actors + 5)
    base_url, stop = serve_in_thread(app)
    sut = SutClient(base_url, functools.partial(mint, secret=settings.jwt_secret))
    outcomes = []
    try:
        for i in range(runs):
            outcome = asyncio.run(_race(sut, dsn, actors, opening))
            outcomes.append(outcome)
            kinds = ",".join(outcome.result.anomalies) or "-"
            print(f"{variant} run {i + 1}/{runs}: valid={outcome.result.valid} "
                  f"{outcome.seconds * 1000:.0f}ms {kinds}", flush=True)
    finally:
        stop()
    detected = [o for o in outcomes if o.detected]
    if detected:
        detected[0].history.save(out / f"{variant}_first_detection.jsonl")
        (out / f"{variant}_first_detection.txt").write_text(detected[0].result.explain())
    times = [round(o.seconds * 1000, 1) for o in detected]
    return {
        "variant": variant, "runs": runs, "actors": actors, "opening": opening,
        "detected": len(detected), "rate": len(detected) / runs if runs else None,
        "unknown": sum(1 for o in outcomes if o.result.valid == "unknown"),
        "time_to_detection_ms": {"median": statistics.median(times) if times else None,
                                 "max": max(times, default=None),
                                 "min": min(times, default=None)},
        "kinds": dict(Counter(k for o in detected for k in o.result.anomalies)),
    }


async def _race(sut: SutClient, dsn: str, actors: int, opening: int):
    try:
        return await consume_race(sut, dsn, actors=actors, opening=opening)
    finally:
        await sut.aclose()  # httpx clients are bound to this asyncio.run's loop


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--actors", type=int, default=20, help="concurrent consumers per run")
    p.add_argument("--opening", type=int, default=5, help="units on the stock row")
    p.add_argument("--control", action="store_true", help="also race the reference variant")
    add_target_args(p)
    p.add_argument("--out", default="benchmarks/results")
    args = p.parse_args(argv)
    settings = target_settings(p, args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with provisioned(settings, "lens_naive_bench") as (_, database):
        variants = ["naive"] + (["reference"] if args.control else [])
        report = {v: measure(database.dsn, settings, v, args.runs, args.actors, args.opening, out)
                  for v in variants}
    (out / "naive_detection.json").write_text(json.dumps(report, indent=2))
    for name, r in report.items():
        t = r["time_to_detection_ms"]
        print(f"{name}: detected {r['detected']}/{r['runs']} (rate {r['rate']:.2f}), "
              f"time to detection median {t['median']} ms, max {t['max']} ms, kinds {r['kinds']}")
    naive_caught = report["naive"]["rate"] == 1.0
    control_clean = not args.control or report["reference"]["detected"] == 0
    return 0 if naive_caught and control_clean else 1


if __name__ == "__main__":
    sys.exit(main())
