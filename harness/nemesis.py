"""Fault injection during a stress run (Jepsen's nemesis).

Faults are what staging really suffers: connections killed under a client
(``pg_terminate_backend``: pooler recycling, failover) and a server crash
(``pg_ctl stop -m immediate``: no checkpoint, recovery on restart). A correct system
loses no acknowledged write and applies nothing twice when clients retry with the same
idempotency keys; the checker proves that from the history afterwards.

A ``Nemesis`` runs a schedule of ``(delay_seconds, name, fault)`` as one asyncio task and
records every fault in the history (process ``nemesis``, no stock row) so the report
shows when clients started failing relative to the faults.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Sequence

import asyncpg

from harness.history import History

Fault = Callable[[], Awaitable[Any]]

_TERMINATE = """
SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated
FROM pg_stat_activity
WHERE datname = $1 AND backend_type = 'client backend'
  AND pid <> pg_backend_pid() AND NOT (pid = ANY($2::int[]))
"""


async def terminate_backends(owner_dsn: str, dbname: str,
                             exclude_pid: int | Iterable[int] | None = None) -> int:
    """Kill every client backend of ``dbname`` except ours and ``exclude_pid``.

    Returns how many were terminated. ``exclude_pid`` spares e.g. the checker's owner
    connection; the connection used here is opened and closed per call so the fault
    itself is not affected by the previous one.
    """
    spared = [] if exclude_pid is None else (
        [exclude_pid] if isinstance(exclude_pid, int) else list(exclude_pid))
    conn = await asyncpg.connect(owner_dsn)
    try:
        return await conn.fetchval(_TERMINATE, dbname, spared)
    finally:
        await conn.close()


async def restart_server(provisioner) -> None:
    """Crash-restart the embedded server (``restart(mode='immediate')``).

    A synchronous ``restart`` runs in a thread so the event loop keeps driving the
    clients, which is the point: they must see the outage while it happens.
    """
    if inspect.iscoroutinefunction(provisioner.restart):
        await provisioner.restart(mode="immediate")
    else:
        await asyncio.to_thread(provisioner.restart, mode="immediate")


@dataclass(frozen=True)
class Step:
    delay: float  # seconds after the previous step (after start for the first)
    name: str
    fault: Fault


def every(interval: float, name: str, fault: Fault, times: int) -> list[Step]:
    """A periodic schedule: ``times`` faults, ``interval`` seconds apart."""
    return [Step(interval, name, fault) for _ in range(times)]


@dataclass
class Nemesis:
    """Runs ``schedule`` in the background; ``async with Nemesis(...)`` or start/stop."""

    schedule: Sequence[Step]
    history: History | None = None
    log: list[dict[str, Any]] = field(default_factory=list)
    _task: asyncio.Task | None = field(default=None, init=False, repr=False)

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("nemesis already started")
        self._task = asyncio.create_task(self._run(), name="nemesis")

    async def stop(self) -> None:
        """Cancel pending faults; a fault already under way is allowed to finish."""
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass

    async def wait(self) -> None:
        """Wait until every scheduled fault has run."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def __aenter__(self) -> "Nemesis":
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    async def _run(self) -> None:
        for step in self.schedule:
            await asyncio.sleep(step.delay)
            await asyncio.shield(self._inject(step))

    async def _inject(self, step: Step) -> None:
        invoke = None
        if self.history is not None:
            invoke = self.history.invoke("nemesis", step.name, None, None)
        started = time.monotonic()
        entry: dict[str, Any] = {"fault": step.name, "at": time.time()}
        try:
            entry["result"] = await step.fault()
            entry["ok"] = True
        except Exception as exc:  # a failed fault is reported, never fatal to the run
            entry.update(ok=False, error=f"{type(exc).__name__}: {exc}")
        entry["seconds"] = round(time.monotonic() - started, 3)
        self.log.append(entry)
        if invoke is not None:
            self.history.complete(invoke, "info", error=entry.get("error"))
