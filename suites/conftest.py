"""Fixtures shared by the acceptance suites (rls, ledger): two yachts built inside the test's
rolled-back transaction, so these suites commit nothing (safe on a verify-only DSN) and run
in parallel without seeing each other."""

import gc

import pytest_asyncio

from .lens_sql import Ship, build_ship


@pytest_asyncio.fixture(loop_scope="session")
async def ship(factory) -> Ship:
    return await build_ship(factory)


@pytest_asyncio.fixture(loop_scope="session")
async def other_ship(factory) -> Ship:
    return await build_ship(factory)


def pytest_collection_finish(session):
    """Everything imported and collected so far lives as long as the process: frozen, the
    cyclic garbage collector stops re-scanning it on every full collection during the run."""
    gc.freeze()
