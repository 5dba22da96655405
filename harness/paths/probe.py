"""Run generated calls the PostgREST way and record what each left behind (an Observation).

Each call runs in a subtransaction of the caller's transaction that is always rolled back: the
role switch and claims go in a nested one kept into it (so its writes are visible), then the
owner reads every row of both yachts, the storage objects under their prefixes and
``check_inventory_drift()``.  Nothing commits, so this also runs on a verify-only DSN, and two
worlds are two such runs on one connection, before and after planting the other yacht's rows.

Deferred constraints are what a commit would check, so they are checked after each call, inside
its subtransaction and under its role and claims (PostgREST commits that way): a violation is a
call refused at commit, its effects rolled back.  Checks the owner's setup left pending (world B,
the factory) are fired first as the owner (``settle``), or they would fire under the caller's
claims.

Round trips, not the server, are the cost on a staging DSN (docs/REMOTE.md): a run makes
hundreds of calls.  So a whole sequence of calls is one ``DO`` block (harness/batch.py's
``run_block``): per call a plpgsql subtransaction, the role and claims set inside it, the call
``EXECUTE``d with its parameters, the deferred checks fired, the outcome (rows, row count, or
SQLSTATE and message as asyncpg shows it) kept, and the owner's snapshot compared with
``before`` there, so only the rows that differ travel back; ``after`` is ``before`` with them
applied.  Two round trips per sequence instead of about six per call.
"""
from __future__ import annotations

import json
import uuid

import asyncpg

from harness.batch import catalog, row_statements_only, run_block
from harness.db import literal
from harness.oracles.observation import Observation, Outcome, Rows
from harness.paths.catalog import Path


def _key(table: str, row: dict) -> tuple[str, str]:
    return table, str(row.get("id") or row.get("stock_id") or json.dumps(row, sort_keys=True))


#: A call's observation, always rolled back: ``outcome`` holds its answer (rows for a SELECT, the
#: row count otherwise, or the error), ``changes`` the snapshot rows added and removed against
#: ``before`` (``staged``: those of the call's setup).  Variables are not transactional, so the
#: outcome outlives the rollback.
_BLOCK = """DO $lens_observe$
DECLARE
  calls jsonb := {calls};
  before jsonb := {before};
  yachts uuid[] := {yachts};
  c jsonb;
  a text[];
  found text[];
  affected bigint;
  outcome jsonb;
  changes jsonb;
  staged jsonb;
  outcomes jsonb := '[]'::jsonb;
  state text;
  message text;
  detail text;
  hint text;
BEGIN
  {settle};  -- pending checks of the owner's setup fire as the owner
  FOR c IN SELECT * FROM jsonb_array_elements(calls) LOOP
    BEGIN
      outcome := '{}'::jsonb;
      staged := '{"added": []}'::jsonb;
      IF jsonb_typeof(c->'setup') = 'object' THEN
        a := ARRAY(SELECT jsonb_array_elements_text(c->'setup'->'params'));
        BEGIN  -- as the owner (or the caller: a first call), its checks fired now: a row the
               -- tables refuse ends the observation
          IF (c->'setup'->>'caller')::boolean THEN
            EXECUTE format('SET LOCAL ROLE %I', c->>'role');
            PERFORM set_config('request.jwt.claims', c->>'claims', true);
          END IF;
          EXECUTE c->'setup'->>'sql' USING {args};
          {settle};
          RESET ROLE;
          PERFORM set_config('request.jwt.claims', '', true);
        EXCEPTION WHEN OTHERS THEN
          outcome := jsonb_build_object('setup refused', true);
          RAISE EXCEPTION USING ERRCODE = 'LNS00';
        END;
        EXECUTE {diff} INTO staged USING yachts, before;
        outcome := jsonb_build_object('staged', staged);
      END IF;
      -- a parameter 'lens:new:<table>' names the row of that table the setup added
      a := ARRAY(SELECT coalesce((SELECT e->1->>'id' FROM jsonb_array_elements(staged->'added') e
                                  WHERE p.v LIKE 'lens:new:%' AND e->>0 = substr(p.v, 10) LIMIT 1),
                                 CASE WHEN p.v NOT LIKE 'lens:new:%' THEN p.v END)
                 FROM jsonb_array_elements_text(c->'params') WITH ORDINALITY p(v, n) ORDER BY p.n);
      BEGIN
        EXECUTE format('SET LOCAL ROLE %I', c->>'role');
        PERFORM set_config('request.jwt.claims', c->>'claims', true);
        IF (c->>'select')::boolean THEN
          EXECUTE format('SELECT array_agg(q.v::text) FROM (%s) q(v)', c->>'sql') INTO found USING {args};
          outcome := outcome || jsonb_build_object('rows', coalesce(to_jsonb(found), '[]'::jsonb));
        ELSE
          EXECUTE c->>'sql' USING {args};
          GET DIAGNOSTICS affected = ROW_COUNT;
          outcome := outcome || jsonb_build_object('status', affected::text);
        END IF;
        BEGIN  -- what a commit would check, then back to each constraint's declared timing
          SET CONSTRAINTS ALL IMMEDIATE;
          RAISE EXCEPTION USING ERRCODE = 'LNS01';
        EXCEPTION WHEN SQLSTATE 'LNS01' THEN NULL;
        END;
      EXCEPTION WHEN OTHERS THEN  -- the call is refused: its effects, role and claims roll back
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
        outcome := outcome || jsonb_build_object('sqlstate', state, 'message', message
          || CASE WHEN detail <> '' THEN E'\nDETAIL:  ' || detail ELSE '' END
          || CASE WHEN hint <> '' THEN E'\nHINT:  ' || hint ELSE '' END);
      END;
      RESET ROLE;
      PERFORM set_config('request.jwt.claims', '', true);
      EXECUTE {diff} INTO changes USING yachts, before;
      outcome := outcome || changes;
      RAISE EXCEPTION USING ERRCODE = 'LNS00';
    EXCEPTION WHEN SQLSTATE 'LNS00' THEN
      outcomes := outcomes || jsonb_build_array(outcome);
    END;
  END LOOP;
  PERFORM set_config('{result}', outcomes::text, {local});
END
$lens_observe$"""


class Probe:
    """Calls and snapshots on one owner connection already inside a transaction."""

    def __init__(self, conn: asyncpg.Connection, yachts: list[uuid.UUID], tables: list[str]):
        self.conn, self.yachts = conn, yachts
        parts = [f"SELECT '{t}', to_jsonb(x) FROM public.{t} x WHERE x.yacht_id = ANY($1::uuid[])" for t in tables]
        parts += [("SELECT 'storage.objects', to_jsonb(o) FROM storage.objects o "
                   "WHERE split_part(o.name, '/', 1) = ANY($1::uuid[]::text[])"),
                  ("SELECT 'check_inventory_drift()', to_jsonb(d) FROM public.check_inventory_drift() d "
                   "WHERE d.yacht_id = ANY($1::uuid[])")]
        self.snapshot_sql = " UNION ALL ".join(parts)
        self.diff_sql = (
            f"WITH after(t, r) AS MATERIALIZED ({self.snapshot_sql}), "
            "before(t, r) AS (SELECT e->>0, e->1 FROM jsonb_array_elements($2) e) "
            "SELECT jsonb_build_object("
            "'added', (SELECT coalesce(jsonb_agg(jsonb_build_array(t, r)), '[]') FROM "
            "(SELECT t, r FROM after EXCEPT ALL SELECT t, r FROM before) x), "
            "'removed', (SELECT coalesce(jsonb_agg(jsonb_build_array(t, r)), '[]') FROM "
            "(SELECT t, r FROM before EXCEPT ALL SELECT t, r FROM after) y))")
        self.calls = 0
        self.deferred: str | None = None

    async def settle_sql(self) -> str:
        if self.deferred is None:
            self.deferred = await initially_deferred(self.conn)
        return settle_sql(self.deferred)

    async def snapshot(self) -> Rows:
        rows = await self.conn.fetch(self.snapshot_sql, self.yachts)
        return {_key(t, r): r for t, r in ((rec[0], json.loads(rec[1])) for rec in rows)}

    async def observe_all(self, calls: list, actor: str, before: Rows, claims: dict | None,
                          role: str = "authenticated", setups: list | None = None) -> list[Observation | None]:
        """Each call's ``sql`` (a ``worlds.Call``: its ``params`` are text or None, $1.. in
        order) as ``role`` with ``claims`` (PostgREST's SET LOCAL ROLE + request.jwt.claims),
        then the owner's snapshot against ``before`` (the rows as the calls find them), then
        everything rolled back: one ``DO`` block for the whole sequence (module docstring).
        ``setups``, one per call (or None; default: each call's own ``setup``), is a statement
        run as the owner first (as the caller when its kind is ``FIRST_CALL``: then a parameter
        ``NEW + table`` of the call is the id of the row of ``table`` it added), inside the same
        rollback, its deferred checks fired: the observation's ``before`` then holds what it
        wrote, and a setup the tables refuse makes the observation None."""
        if not calls:
            return []
        staged = setups or [getattr(c, "setup", None) for c in calls]
        steps = [*calls, *(s for s in staged if s is not None)]
        row_statements_only(c.sql for c in steps)
        for value in (v for c in steps for v in c.params):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"a call's parameters are text or None, not {value!r}")
        self.calls += len(calls)
        text = "" if claims is None else json.dumps(claims)
        payload = [{"role": role, "claims": text, "sql": c.sql, "params": list(c.params),
                    "select": c.sql.lstrip().upper().startswith("SELECT"),
                    "setup": s and {"sql": s.sql, "params": list(s.params), "caller": s.kind == FIRST_CALL}}
                   for c, s in zip(calls, staged)]
        width = max(1, *(len(c.params) for c in steps))
        raw = await run_block(
            self.conn, _BLOCK, calls=f"{literal(json.dumps(payload))}::jsonb",
            before=f"{literal(json.dumps([[t, row] for (t, _), row in before.items()]))}::jsonb",
            yachts=f"{literal('{' + ','.join(map(str, self.yachts)) + '}')}::uuid[]", settle=await self.settle_sql(),
            args=", ".join(f"a[{i}]" for i in range(1, width + 1)), diff=literal(self.diff_sql))
        return [None if r.get("setup refused") else Observation(
            c.path, c.args, actor, _outcome(r), _apply(before, r["staged"]) if "staged" in r else before,
            _apply(before, r)) for c, r in zip(calls, raw)]


#: A setup of this kind is a first call, run as the caller with the call's claims (a two-step
#: sequence); any other setup runs as the owner.
FIRST_CALL = "first call"
#: A parameter naming the row of ``table`` the first call added: ``NEW + table``.
NEW = "lens:new:"


def _outcome(raw: dict) -> Outcome:
    """A SELECT answers its rows (as JSON values); any other statement its row count."""
    if raw.get("sqlstate"):
        return Outcome(sqlstate=raw["sqlstate"], message=raw["message"])
    if "rows" in raw:
        return Outcome(value=[json.loads(v) if isinstance(v, str) else v for v in raw["rows"]])
    return Outcome(value=raw["status"])


def _apply(before: Rows, raw: dict) -> Rows:
    """``before`` with the rows the call's snapshot lost removed and those it gained added."""
    after = dict(before)
    for table, row in raw["removed"]:
        if after.get(_key(table, row)) == row:
            del after[_key(table, row)]
    for table, row in raw["added"]:
        after[_key(table, row)] = row
    return after


async def initially_deferred(conn: asyncpg.Connection) -> str:
    """The constraints declared INITIALLY DEFERRED, as a SET CONSTRAINTS list ('' when none):
    a catalog read, asked once per database (harness/batch.py)."""
    (row,) = await catalog(
        conn, "SELECT coalesce(string_agg(DISTINCT format('%I.%I', n.nspname, c.conname), ', '), '') "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.condeferred")
    return row[0]


def settle_sql(deferred: str) -> str:
    """Fire every pending deferred check now, as the current role, then restore each
    constraint's declared timing (``SET CONSTRAINTS ALL DEFERRED`` would also defer those
    declared INITIALLY IMMEDIATE)."""
    return "SET CONSTRAINTS ALL IMMEDIATE" + (f"; SET CONSTRAINTS {deferred} DEFERRED" if deferred else "")


async def settle(conn: asyncpg.Connection) -> None:
    await conn.execute(settle_sql(await initially_deferred(conn)))


def function_sql(path: Path) -> str:
    """Any function called with text parameters cast to its own types (NULL stays NULL)."""
    marks = ", ".join(f"${i}::text::{t}" for i, t in enumerate(path.arg_types, 1))
    return f'SELECT to_jsonb(r)::text FROM public."{path.name}"({marks}) AS r'


def read_sql(relation: str) -> str:
    return (f"SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]')::text "
            f"FROM public.{relation} x")


def relation(table: str) -> str:
    """Public tables go by their bare names; others (``storage.objects``) qualified."""
    return table if "." in table else f"public.{table}"


def insert_sql(table: str, columns: list[str], row: str = "$1") -> str:
    """A row given as JSON (``row``: a parameter, or a literal where one message carries the
    statement), written with exactly ``columns`` (what a client names in its POST; the others
    take their defaults)."""
    cols, rel = ", ".join(f'"{c}"' for c in columns), relation(table)
    return f"INSERT INTO {rel} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{rel}, {row}::jsonb)"
