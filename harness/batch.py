"""Fewer round trips per check: the primitives a cell engine uses on a remote server.

On staging reached over the internet every statement costs one round trip (10-80 ms), and an
asyncpg statement with parameters costs two the first time its text is seen (parse, then
execute). A check that sends its statements one after another is therefore as slow as the
network, whatever the server does. Three tools, for any suite or cell engine (docs/REMOTE.md):

* ``catalog(conn, sql, *args)`` — a catalog read, remembered for the process. The schema of the
  database under test does not change while the checks run (the suites never run DDL on a user's
  server; on harness-owned ones a detector may add a *policy*, which is not read through here),
  so a table's columns or unique keys are asked once per process and database, not once per cell.
* ``scalars(conn, {name: sql}, *args)`` — several scalar queries sharing the same parameters
  in one statement: ``SELECT (q1) AS a, (q2) AS b``. One round trip instead of one per query.
* ``probe_all(conn, probes)`` — many "act as X, run a statement, record what happened" cells in
  one ``DO`` block: each probe runs in its own subtransaction (a plpgsql block with an
  EXCEPTION clause) that is always rolled back, with the role and JWT claims set inside it, and
  the outcomes come back through ``set_config`` (two round trips for the whole batch). A probe
  may carry a setup run as the owner before it (make a row the role's own) and a check run as
  the owner after it (did the write leave stock and ledger apart?), inside the same rollback. A ``DO`` block
  is not DDL and writes nothing that survives, so it runs on a verify-only DSN; only
  SELECT/INSERT/UPDATE/DELETE/WITH statements are accepted (log_statement logs the block as one
  statement, so nothing else may hide inside it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import asyncpg

from harness.db import literal

_catalog: dict[tuple, list] = {}


async def catalog(conn: asyncpg.Connection, sql: str, *args) -> list[asyncpg.Record]:
    """``conn.fetch(sql, *args)``, asked once per process (see the module docstring)."""
    key = (str(conn._addr), conn._params.database, sql, *map(str, args))   # a process may meet several databases
    if key not in _catalog:
        _catalog[key] = await conn.fetch(sql, *args)
    return _catalog[key]


async def scalars(conn: asyncpg.Connection, queries: dict[str, str], *args) -> dict:
    """Each scalar sub-query's value by name, from one round trip (they share ``$1``.. ``args``)."""
    if not queries:
        return {}
    row = await conn.fetchrow("SELECT " + ", ".join(f"({sql}) AS \"{name}\"" for name, sql in queries.items()), *args)
    return dict(row)


#: A probe's statement may only read or write rows: anything else inside a DO block would hide
#: from log_statement=ddl (the block is logged once, as DO).
_ROW_STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_RESULT = "lens.probe_outcomes"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def row_statements_only(statements) -> None:
    """Refuse any statement a ``DO`` block must not carry (see ``_ROW_STATEMENT``)."""
    for sql in statements:
        if not _ROW_STATEMENT.match(sql):
            raise ValueError(f"a probe runs row statements only, not: {sql[:60]}")


async def run_block(conn: asyncpg.Connection, template: str, **values: str) -> list:
    """Run a ``DO`` block that leaves its JSON array of outcomes in ``{result}`` (transaction-local
    when ``{local}`` says so: inside a transaction the setting goes with it) and return the array:
    two round trips whatever the block did.  Each ``{name}`` of ``template`` becomes its SQL text
    in ``values``, in one pass (a value holding braces is not read as a placeholder)."""
    values |= {"result": _RESULT, "local": "true" if conn.is_in_transaction() else "false"}
    await conn.execute(_PLACEHOLDER.sub(lambda m: values[m.group(1)], template))
    return json.loads(await conn.fetchval(f"SELECT current_setting('{_RESULT}')"))

_BLOCK = """DO $lens_probe$
DECLARE
  probes jsonb := {probes};
  probe jsonb;
  step text;
  outcomes jsonb := '[]'::jsonb;
  arg text;
  value text;
  checked text;
  affected bigint;
  state text;
  message text;
BEGIN
  FOR probe IN SELECT * FROM jsonb_array_elements(probes) LOOP
    BEGIN
      arg := probe->>'arg';
      FOR step IN SELECT * FROM jsonb_array_elements_text(probe->'setup') LOOP
        BEGIN  -- as the owner; a step refused leaves the rows (and arg) as they were
          EXECUTE step INTO value USING arg;
          arg := value;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
      END LOOP;
      EXECUTE format('SET LOCAL ROLE %I', probe->>'role');
      PERFORM set_config('request.jwt.claims', coalesce(probe->>'claims', ''), true);
      IF (probe->>'value')::boolean THEN
        EXECUTE probe->>'sql' INTO value USING arg;
        affected := NULL;
      ELSE
        EXECUTE probe->>'sql' USING arg;
        GET DIAGNOSTICS affected = ROW_COUNT;
        value := NULL;
      END IF;
      checked := NULL;
      IF probe->>'check' IS NOT NULL THEN
        RESET ROLE;
        EXECUTE probe->>'check' INTO checked;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'LNS00', MESSAGE = 'lens probe done',
        DETAIL = jsonb_build_object('value', value, 'rows', affected, 'checked', checked)::text;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, value = PG_EXCEPTION_DETAIL;
      IF state = 'LNS00' THEN
        outcomes := outcomes || jsonb_build_array(value::jsonb || jsonb_build_object('sqlstate', NULL));
      ELSE
        outcomes := outcomes || jsonb_build_array(jsonb_build_object('sqlstate', state, 'message', message));
      END IF;
    END;
  END LOOP;
  PERFORM set_config('{result}', outcomes::text, {local});
END
$lens_probe$"""


@dataclass(frozen=True)
class Probe:
    """Run ``sql`` as ``role`` with ``claims`` (None: no user); ``value``: keep the first
    column of the first row, else the number of rows affected.  ``sql`` gets ``arg`` as ``$1``
    (text).  ``setup``'s statements run first, in order, as the connection's own role (the
    owner), each with ``$1`` and its first column becoming the new ``$1`` (a row made the role's
    own has a new ctid); a step that fails is skipped and the cell goes on with the old one.  ``check``, if any, runs after
    a statement that did not fail, as the owner again, and its text comes back as ``checked``."""

    role: str
    claims: dict | None
    sql: str
    value: bool = False
    arg: str | None = None
    setup: tuple[str, ...] = ()
    check: str | None = None


@dataclass(frozen=True)
class Outcome:
    sqlstate: str | None   # None: the statement ran
    message: str | None
    value: str | None      # first column of the first row (value probes)
    rows: int | None       # rows affected (other probes)
    checked: str | None = None  # what the probe's check returned


async def probe_all(conn: asyncpg.Connection, probes: list[Probe]) -> list[Outcome]:
    """Every probe's outcome, in order, from one round trip; nothing any probe did remains (each
    ran in a subtransaction rolled back at its end, role and claims with it)."""
    if not probes:
        return []
    row_statements_only(s for p in probes for s in (p.sql, *p.setup, p.check) if s is not None)
    payload = json.dumps([{"role": p.role, "claims": json.dumps(p.claims) if p.claims else None, "sql": p.sql,
                           "value": p.value, "arg": p.arg, "setup": list(p.setup), "check": p.check} for p in probes])
    raw = await run_block(conn, _BLOCK, probes=f"{literal(payload)}::jsonb")
    return [Outcome(r.get("sqlstate"), r.get("message"), r.get("value"), r.get("rows"), r.get("checked"))
            for r in raw]
