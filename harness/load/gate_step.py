"""The gate's load step: a bounded locust run against the reference API on the gate's database,
with the checker's invariants verified afterwards (the report's load figures)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.config import Settings
from harness.load.api_process import api_process

PROFILES = {"smoke": {"users": 8, "spawn_rate": 8, "run_time": 10}, "full": {"users": 32, "spawn_rate": 8, "run_time": 60}}


def report_summary(summary: dict) -> dict:
    """The figures the sign-off report reads from load/summary.json."""
    return {"p50": summary.get("p50_ms"), "p95": summary.get("p95_ms"), "p99": summary.get("p99_ms"),
            "rps": summary.get("rps"), "requests": summary.get("requests"), "failures": summary.get("failures"),
            "invariants_valid": summary.get("checker", {}).get("valid") is True,
            "users": summary.get("users"), "seconds": summary.get("seconds"), "target": summary.get("target")}


def run_gate_load(settings: Settings, dsn: str, out_dir: Path, profile: str = "smoke") -> dict:
    from harness.load.runner import run_load  # imports locust (gevent patching): only when used

    sizes = PROFILES[profile]
    with api_process(dsn, settings.jwt_secret, settings.sut) as url:
        summary = run_load("api", dsn, url, sizes["users"], sizes["spawn_rate"], sizes["run_time"], None, out_dir,
                           jwt_secret=settings.jwt_secret)
    result = report_summary(summary)
    (Path(out_dir) / "summary.json").write_text(json.dumps(result, indent=2))
    return result
