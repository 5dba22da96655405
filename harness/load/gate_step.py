"""The gate's load step, run as its own process: ``python -m harness.load.gate_step OUT_DIR``.

locust patches the process for gevent; in the gate's process that hung next to rich's
live-progress thread, so the gate starts this module with ``LENS_SETTINGS_FILE`` and reads
back ``OUT_DIR/summary.json``. A bounded locust run drives the API under test (--api-url, else
the binding's own API in a process of its own) through its API profile over the gate's
database; the checker verifies the invariants.
Exit 0 invariants hold, 1 violated, 2 could not run.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

from harness.config import Settings
from harness.errors import EXIT_INTERRUPTED, HarnessError

PROFILES = {"smoke": {"users": 8, "spawn_rate": 8, "run_time": 10}, "full": {"users": 32, "spawn_rate": 8, "run_time": 60}}


def report_summary(summary: dict) -> dict:
    """The figures the sign-off report reads from load/summary.json."""
    return {"p50": summary.get("p50_ms"), "p95": summary.get("p95_ms"), "p99": summary.get("p99_ms"),
            "rps": summary.get("rps"), "requests": summary.get("requests"), "failures": summary.get("failures"),
            "invariants_valid": summary.get("checker", {}).get("valid") is True,
            "explain": summary.get("checker", {}).get("explain"),
            "users": summary.get("users"), "seconds": summary.get("seconds"), "target": summary.get("target")}


def run_gate_load(settings: Settings, out_dir: Path) -> dict:
    from harness.binding import profile_for
    from harness.load.api_process import api_process
    from harness.load.runner import run_load  # imports locust (gevent patching): this process only
    from harness.provenance import stamp

    sizes = dict(PROFILES[settings.profile])
    if settings.load_seconds:
        sizes["run_time"] = settings.load_seconds
    dsn = settings.database
    profile = profile_for(settings)
    with (nullcontext(settings.api_url) if settings.api_url else
          api_process(dsn, settings.jwt_secret, settings.sut, settings.binding)) as url:
        summary = run_load("api", dsn, url, sizes["users"], sizes["spawn_rate"], sizes["run_time"], None, out_dir,
                           jwt_secret=settings.jwt_secret, api_profile=profile, binding=settings.binding)
    result = {**report_summary(summary), "provenance": stamp(settings, dsn=dsn)}
    (Path(out_dir) / "summary.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv: list[str]) -> int:
    settings = Settings.from_settings_file()
    if settings is None or not settings.database or len(argv) != 1:
        print("usage: LENS_SETTINGS_FILE=… python -m harness.load.gate_step OUT_DIR (started by the gate)")
        return 2
    try:
        result = run_gate_load(settings, Path(argv[0]))
    except HarnessError as exc:
        print(f"lens-harness load: {exc}")
        return 2
    except KeyboardInterrupt:  # the gate passed its SIGINT/SIGTERM on: the run's rows are purged
        print("lens-harness load: interrupted")
        return EXIT_INTERRUPTED
    print(f"load: {result['requests']} requests, {result['failures']} failures, invariants valid: "
          f"{result['invariants_valid']}")
    return 0 if result["invariants_valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
