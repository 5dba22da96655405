"""Load past one process: locust's own distributed mode, one master and N worker processes.

One locust process saturates one core long before the API or PostgreSQL does. The master seeds
the run's rows as a single-process run does, hands every worker the plan in a locust message
(the seeded users and stock rows, the API URL, its share of the iteration bound), spawns and
stops, and receives each worker's history once the worker's gate is done; the histories are
merged (``History.merge``) so the checker judges the whole run, and locust itself merges the
request statistics. Workers only act on the master's rows, which carry its run tag, so the
master's purge — or ``lens-harness purge --run ID`` after a kill — covers every worker. A worker
commits writes: it refuses a verify-only DSN exactly as the master does.

``--processes N`` starts the N workers here (``python -m harness.load.distributed HOST PORT``,
settings by a 0600 file, never argv); ``--master`` / ``--worker --master-host H`` split them
over machines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

import gevent
import gevent.event
from locust.env import Environment

from harness.config import SETTINGS_FILE_ENV, Settings
from harness.errors import HarnessError
from harness.history import History
from harness.load.api_user import CrewApiUser
from harness.load.interrupt import stop_on_signals
from harness.load.pg_user import CrewPgUser
from harness.load.plan import Gate, LoadPlan, Seeded, bind
from harness.provision import lifecycle, stale
from harness.provision.stale import SETTINGS_DIRS

PLAN, CLOSE, HISTORY = "lens_plan", "lens_close", "lens_history"
CONNECT_SECONDS = 60  # how long the master waits for its workers
MASTER_PORT = 5557  # locust's own default


@dataclass(frozen=True)
class Distribution:
    """How a run is spread: ``workers`` processes, started here when ``local``."""

    workers: int
    local: bool = True
    bind_host: str = "127.0.0.1"
    port: int = MASTER_PORT


def shares(iterations: int | None, workers: int) -> list[int | None]:
    """Each worker's part of the iteration bound (None: bounded by time only)."""
    if not iterations:
        return [None] * workers
    return [iterations // workers + (1 if i < iterations % workers else 0) for i in range(workers)]


def run_master(env: Environment, plan: LoadPlan, users: int, spawn_rate: float, run_time: float | None,
               iterations: int | None, spread: Distribution, settings: Settings, grace: float,
               interrupt_grace: float) -> list[int]:
    """Drive the workers until every one has sent its history; merge the histories into
    ``plan.history``. Returns the signals received (empty: not interrupted)."""
    if users < spread.workers:
        raise HarnessError(f"{spread.workers} worker processes need at least as many users (--users {spread.workers})")
    runner = env.create_master_runner(spread.bind_host, spread.port)
    histories: dict[str, History] = {}
    all_in = gevent.event.Event()

    def on_history(environment, msg, **_) -> None:
        histories[msg.node_id] = History.from_rows(msg.data)
        if len(histories) >= spread.workers:
            all_in.set()

    runner.register_message(HISTORY, on_history)
    folder = stale.private_dir(SETTINGS_DIRS)  # the DSN and the JWT secret reach local workers in a 0600 file
    workers = _start_local_workers(spread, settings, folder) if spread.local else []
    try:
        _await_workers(runner, spread.workers, workers)
        shutil.rmtree(folder, ignore_errors=True)  # every worker has read it
        for client, share in zip(runner.clients.ready, shares(iterations, spread.workers)):
            runner.send_message(PLAN, {"seeded": plan.seeded.to_message(), "limit": share,
                                       "api_url": getattr(env.user_classes[0], "host", None),
                                       "with_details": plan.with_details, "quantity": plan.quantity,
                                       "api_profile": plan.api_profile}, client.id)

        def close() -> None:
            runner.send_message(CLOSE)

        def interrupt() -> None:
            close()
            gevent.spawn_later(interrupt_grace, all_in.set)

        with stop_on_signals(interrupt) as received:
            runner.start(users, spawn_rate=spawn_rate)
            if run_time:
                gevent.spawn_later(run_time, close)
                gevent.spawn_later(run_time + grace, all_in.set)  # a hung worker ends the run
            all_in.wait()
    finally:
        runner.quit()
        _stop(workers)
        shutil.rmtree(folder, ignore_errors=True)
    plan.history = History.merge({f"w{i}": h for i, (_, h) in enumerate(sorted(histories.items()))})
    return received


def _await_workers(runner, expected: int, local: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + CONNECT_SECONDS
    while len(runner.clients.ready) < expected:
        if any(p.poll() is not None for p in local):
            raise HarnessError("a load worker process exited before the run started (see its output above)")
        if time.monotonic() > deadline:
            raise HarnessError(f"{len(runner.clients.ready)} of {expected} load workers connected within "
                               f"{CONNECT_SECONDS} s: start them with lens-harness load --worker --master-host …")
        gevent.sleep(0.1)


def _start_local_workers(spread: Distribution, settings: Settings, folder) -> list[subprocess.Popen]:
    env = {**os.environ, SETTINGS_FILE_ENV: str(settings.dump(folder / "settings.json"))}
    return [subprocess.Popen([sys.executable, "-m", "harness.load.distributed", "127.0.0.1", str(spread.port)],
                             env=env, **lifecycle.child_kwargs()) for _ in range(spread.workers)]


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        try:
            proc.wait(timeout=15)  # the master's quit message ends them
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_worker(settings: Settings, master_host: str, master_port: int) -> None:
    """Serve one master until it quits: act on the plan it sends, send back the history."""
    from harness.load.runner import minter

    if settings.verify_only:
        raise HarnessError("a load worker commits data and the DSN is verify-only: add --allow-writes")
    classes = {cls.__name__: bind(cls, None) for cls in (CrewApiUser, CrewPgUser)}
    env = Environment(user_classes=list(classes.values()))
    runner = env.create_worker_runner(master_host, master_port)
    plans: list[LoadPlan] = []

    def report(plan: LoadPlan) -> None:
        plan.gate.done.wait()
        runner._send_stats()  # this worker's last request statistics reach the master first
        runner.send_message(HISTORY, plan.history.rows())

    def on_plan(environment, msg, **_) -> None:
        data = msg.data
        plan = LoadPlan(Seeded.from_message(data["seeded"]), gate=Gate(data["limit"]),
                        dsn=settings.database or settings.dsn, mint=minter(settings.jwt_secret),
                        with_details=data["with_details"], quantity=data["quantity"],
                        api_profile=data["api_profile"])
        for cls in classes.values():
            cls.plan = plan
        classes[CrewApiUser.__name__].host = data["api_url"]
        plans.append(plan)
        gevent.spawn(report, plan)

    runner.register_message(PLAN, on_plan)
    runner.register_message(CLOSE, lambda environment, msg, **_: [p.gate.close() for p in plans])
    try:
        with stop_on_signals(runner.quit):
            runner.greenlet.join()
    finally:
        for plan in plans:
            for conn in plan.connections:
                conn.close()


def main(argv: list[str]) -> int:
    settings = Settings.from_settings_file()
    if settings is None or len(argv) != 2:
        print("usage: LENS_SETTINGS_FILE=… python -m harness.load.distributed MASTER_HOST PORT (started by the master)")
        return 2
    try:
        run_worker(settings, argv[0], int(argv[1]))
    except HarnessError as exc:
        print(f"lens-harness load worker: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
