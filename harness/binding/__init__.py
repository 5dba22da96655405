"""Bindings: the only code that knows how a particular implementation of the contract works.

CONTRACT §10 splits what a test may rely on (left column: §3 tables and columns, §2 helpers, the
two §6 functions with three parameters and four return columns, §6/§7 error codes, behaviour)
from what varies per implementation (extra parameters and return columns, who writes the ledger
row, constraint names, SQLSTATEs, HTTP routes). Jepsen's client/workload split is the model: the
suites are workloads and checkers written against this interface; a `Binding` is the client.

The interface (all a suite may call; the fixture `lens_binding` hands out the run's binding)::

    outcome = await binding.deduct(conn, stock_id, quantity, yacht_id=UNSET, movement="consumed",
                                   **ledger_columns)
    outcome = await binding.add(conn, stock_id, quantity, yacht_id=UNSET, movement="received",
                                **ledger_columns)

  `conn` is whatever the test acts as (an `as_user(...)` connection, the owner, service_role);
  `stock_id`, `quantity`, `yacht_id` are the contract's three parameters (`UNSET` = the
  function's default, the caller's yacht). `movement` is the ledger `transaction_type` this
  operation books and `ledger_columns` are values for other §3 ledger columns of that row
  (idempotency_key, usage_id, signature, signed_by, transfer_group_id, from/to_location_id,
  reverses_transaction_id, reference_type, reference_id). How they reach the ledger (function
  parameters, a trigger, an INSERT by the caller in the same transaction) is the binding's
  business. Each call runs in its own savepoint, so a refusal never poisons the caller's
  transaction and a refused operation leaves nothing behind.

    Outcome(success, quantity_before, quantity_after, error_code, sqlstate, ledger_ids, raw)

  `error_code` is what the function answered (§6 codes are the contract; anything else is the
  implementation's own); `sqlstate` is set instead when the operation raised a refusal or a
  denial; `ledger_ids` are the ledger rows the operation produced (empty unless it succeeded);
  `raw` is the implementation's own answer, for reference-only checks; `as_row()` is the
  outcome as a §6 result row for the history checker.

    binding.classify(exc) -> "denied" | "refused" | None

  42501 is a denial (§5); any other SQLSTATE of a guard (23505, 23514, 55000, P0001, 45000 or a
  custom code) is a refusal (§10: how a refusal is raised may vary). None = not a refusal at all
  (a missing object, a broken connection): the caller lets it propagate.

    binding.api(base_url, token_minter) -> client with `call(user, action, body)`, `request(...)`
    binding.reference -> True only for the reference (suites/reference/ runs only then)
    binding.view_columns -> the §3 views' column names (the contract names the views and what
        they hold, not their columns): pms_part_stock (part id, on-hand) and
        v_stock_from_transactions (stock id, cached quantity, ledger sum)

`BINDINGS` maps a name to "module:Class"; `load(name)` also accepts "module:Class" directly.

Which binding drives a target is read from what the target *is*, never from where its folder
lies: `choose` asks each shipped binding, most specific first, what in the catalog (the stock
functions' parameters and return columns, the §3 views' columns) it could not drive, and takes
the first with nothing to object; the contract binding needs only §10's left column (the view
columns it reads from the catalog in `discover`, which the lens_binding fixture runs once). None fitting is the harness's inability, not the target's defect: the
gate stops with exit 2 naming the objects and `--binding`.
"""

from __future__ import annotations

import importlib
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from harness.errors import HarnessError

UNSET: Any = object()
DENIED = "42501"
# SQLSTATE classes that are never a guard's refusal: a missing object or a call that does not
# match the catalog (42, 0A), infrastructure (08, 53, 57, 58, XX), concurrency (40) and a broken
# transaction (25). Everything else — integrity (23), prerequisite state (55), data (22), RAISE
# (P0) and custom codes — is a refusal however the implementation raised it.
NOT_A_REFUSAL = ("42", "0A", "08", "53", "57", "58", "XX", "40", "25")


@dataclass(frozen=True)
class Outcome:
    success: bool
    quantity_before: int | None = None
    quantity_after: int | None = None
    error_code: str | None = None
    sqlstate: str | None = None
    ledger_ids: tuple[uuid.UUID, ...] = ()
    raw: Any = None

    @property
    def denied(self) -> bool:
        return self.sqlstate == DENIED

    @property
    def refused(self) -> bool:
        """Answered with a failure or raised a refusal (not a denial)."""
        return not self.success and not self.denied

    @property
    def ledger_id(self) -> uuid.UUID:
        """The one ledger row of a single movement."""
        (only,) = self.ledger_ids
        return only

    def as_row(self) -> dict:
        """The §6 result row (plus the ledger row as transaction_id) for history recording."""
        return {"success": self.success, "quantity_before": self.quantity_before,
                "quantity_after": self.quantity_after, "error_code": self.error_code or self.sqlstate,
                "transaction_id": self.ledger_ids[0] if self.ledger_ids else None}


def classify_sqlstate(sqlstate: str | None) -> str | None:
    if sqlstate == DENIED:
        return "denied"
    if not sqlstate or sqlstate.startswith(NOT_A_REFUSAL):
        return None
    return "refused"


class Binding(ABC):
    """One implementation of the contract as the suites see it."""

    name: str = "abstract"
    reference: bool = False
    #: view -> its identity column, then the quantities it holds (see the module docstring)
    view_columns: dict[str, tuple[str, ...]] = {
        "pms_part_stock": ("part_id", "on_hand"),
        "v_stock_from_transactions": ("stock_id", "quantity", "ledger_sum"),
    }
    views_from_catalog = False  # True: `discover` reads view_columns from the target (any names fit)

    async def discover(self, conn: asyncpg.Connection) -> None:
        """Read from the target what this binding takes from its catalog (default: nothing)."""

    @classmethod
    def misfits(cls, columns: dict[str, set[str]], functions: dict[str, list]) -> list[str]:
        """What of the target's catalog this binding cannot drive (empty: it fits). `columns`
        and `functions` are what harness.conformance reads: the stock functions must be callable
        with §6's three parameters and return its four columns, and the views must have the
        columns this binding reads."""
        from harness.conformance import STOCK_FUNCTIONS, signature_problem

        problems = [f"{fn} {signature_problem(functions[fn]) if fn in functions else 'is missing'}"
                    for fn in STOCK_FUNCTIONS if fn not in functions or signature_problem(functions[fn])]
        for view, wanted in ({} if cls.views_from_catalog else cls.view_columns).items():
            missing = [c for c in wanted if c not in columns.get(view, ())]
            if missing:
                problems.append(f"{view} has no column {', '.join(missing)}")
        return problems

    @abstractmethod
    async def _move(self, conn: asyncpg.Connection, fn: str, stock_id, quantity, yacht_id, movement: str,
                    columns: dict) -> Outcome:
        """Book one movement inside the savepoint `deduct`/`add` opened."""

    async def deduct(self, conn, stock_id, quantity, *, yacht_id=UNSET, movement: str = "consumed", undo: bool = True,
                     **columns) -> Outcome:
        return await self._guarded(conn, "deduct_stock_inventory", stock_id, quantity, yacht_id, movement, columns, undo)

    async def add(self, conn, stock_id, quantity, *, yacht_id=UNSET, movement: str = "received", undo: bool = True,
                  **columns) -> Outcome:
        return await self._guarded(conn, "add_stock_inventory", stock_id, quantity, yacht_id, movement, columns, undo)

    async def _guarded(self, conn, fn, stock_id, quantity, yacht_id, movement, columns, undo=True) -> Outcome:
        """``undo=False`` keeps what a failed answer wrote, as PostgREST /rpc does (it commits a
        function that returns): the surface inventory checks that a refusal wrote nothing."""
        try:
            async with conn.transaction():
                outcome = await self._move(conn, fn, stock_id, quantity, yacht_id, movement, columns)
                if undo and not outcome.success:  # a failed answer must leave nothing: undo whatever ran
                    raise _Undo(outcome)
                return outcome
        except _Undo as undone:
            return undone.outcome
        except asyncpg.PostgresError as exc:
            if self.classify(exc) is None:
                raise
            return Outcome(False, sqlstate=exc.sqlstate, raw=exc)

    def classify(self, exc: BaseException) -> str | None:
        return classify_sqlstate(getattr(exc, "sqlstate", None))

    api_profile: str = "reference"  # the API profile (harness/binding/profiles) its own API speaks

    def api(self, base_url: str, token_minter, profile: str | None = None):
        """The HTTP API client speaking `profile` (a name or YAML file; default: this API's own)."""
        from harness.binding.api import ProfileClient, load_profile

        return ProfileClient(load_profile(profile or self.api_profile), base_url, token_minter)

    def serve(self, dsn: str, settings) -> tuple[str, Callable[[], None]]:
        """Serve this implementation's API in-process on `dsn` (no --api-url): (base URL, stop).
        A binding that does not know how must not get the reference's API in its place: the HTTP
        checks would judge the wrong system."""
        raise HarnessError(f"no API to test: binding {self.name!r} has none it can start; run yours on the "
                           "target's database and give --dsn … --api-url URL (and --api-profile), or implement "
                           "Binding.serve (CONTRACT §10)")


class _Undo(Exception):
    """Rolls the operation's savepoint back when the function answered a failure."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.error_code)
        self.outcome = outcome


async def attempt(binding: Binding, conn: asyncpg.Connection, action) -> str:
    """Run `await action()` in a savepoint: "ok", "denied" or "refused" (then rolled back).
    For direct writes (a ledger INSERT, a quantity UPDATE) whose refusal may be raised any way."""
    try:
        async with conn.transaction():
            await action()
        return "ok"
    except asyncpg.PostgresError as exc:
        verdict = binding.classify(exc)
        if verdict is None:
            raise
        return verdict


BINDINGS = {"reference": "harness.binding.sql:SqlBinding", "second": "harness.binding.second_lens:SecondLensBinding",
            "contract": "harness.binding.contract:ContractBinding"}  # most specific first: `choose` keeps this order
AUTO = "auto"  # no --binding / LENS_BINDING: `choose` reads it from the target's catalog


def choose(columns: dict[str, set[str]], functions: dict[str, list]) -> str:
    """The most specific shipped binding that fits the catalog (see the module docstring)."""
    objections = {}
    for name in BINDINGS:
        problems = load(name).misfits(columns, functions)
        if not problems:
            return name
        objections[name] = problems
    raise HarnessError("no binding fits the target (CONTRACT §10): " +
                       "; ".join(f"{name}: {', '.join(problems)}" for name, problems in objections.items()),
                       "give deduct_stock_inventory / add_stock_inventory the three parameters and four columns of "
                       f"CONTRACT §6, or choose a binding with --binding ({', '.join(BINDINGS)} or module:Class)")


async def choose_on(conn) -> str:
    from harness.conformance import STOCK_FUNCTIONS, columns, routines

    return choose(await columns(conn), await routines(conn, STOCK_FUNCTIONS))


def resolve(name: str, dsn: str) -> str:
    """`name`, or when it is AUTO the binding `choose` reads from the database at `dsn`."""
    if name != AUTO:
        return name
    import asyncio

    from harness import db

    async def read() -> str:
        conn = await db.connect(dsn)
        try:
            return await choose_on(conn)
        finally:
            await conn.close()

    return asyncio.run(read())


def profile_for(settings) -> str:
    """The API profile the run speaks: --api-profile, else the binding's own API's."""
    return settings.api_profile or load(settings.binding).api_profile


def load(name: str) -> Binding:
    """The binding called `name` (a key of BINDINGS, or "module:Class")."""
    target = BINDINGS.get(name, name)
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)()
    except (ImportError, AttributeError, ValueError):
        raise HarnessError(f"unknown binding {name!r}: choose one of {', '.join(BINDINGS)} or give module:Class") from None
