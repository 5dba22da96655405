"""Rows harness runs left on an existing server, found and removed by their run tag.

A run that ends normally removes its rows as it goes; one that is interrupted (SIGINT, SIGTERM)
removes the rest before it exits and says so. One that is SIGKILLed cannot: the next gate warns
at start, and `lens-harness purge` removes them.
"""

from __future__ import annotations

import asyncio

from harness.config import Settings
from harness.factories import purge_tagged, run_of, tagged_yachts


async def _tagged(dsn: str) -> list[tuple]:
    from harness.db import connect

    conn = await connect(dsn)
    try:
        return await tagged_yachts(conn)
    finally:
        await conn.close()


def warning(settings: Settings) -> str | None:
    """One line naming the runs whose rows are still on the DSN (None when there are none)."""
    if settings.target != "dsn":
        return None
    yachts = asyncio.run(_tagged(settings.dsn))
    runs = sorted({run_of(name) for _, name in yachts} - {settings.run_id})
    if not runs:
        return None
    return (f"warning: {len(yachts)} yachts of {len(runs)} earlier or concurrent harness runs are on the target "
            f"({', '.join(runs[:3])}{', …' if len(runs) > 3 else ''}); if those runs are over: "
            "lens-harness purge --dsn … --older-than 1h (or --run ID)")


def purge_run(settings: Settings) -> tuple[int, str] | None:
    """Remove what this run left (nothing after a normal end): (rows removed, line to print)."""
    if settings.target != "dsn" or settings.verify_only or not settings.run_id:
        return None  # verify-only committed nothing; a harness-owned server is thrown away
    done = asyncio.run(purge_tagged(settings.dsn, run=settings.run_id))
    return done["rows"], (f"purged {done['rows']} rows under {done['yachts']} yachts of run {settings.run_id}: "
                          "none of its rows is left on the target")
