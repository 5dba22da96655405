"""The contract binding: drives any implementation through CONTRACT §10's left column alone.

It calls `deduct_stock_inventory` / `add_stock_inventory` with the three parameters of §6 and
reads the four columns; nothing else about the functions is assumed. Who writes the ledger row
(the function, a trigger on the stock row, or the caller in the same transaction) is found by
observation: after a successful call, did a ledger row for that stock appear? Ledger rows are
recognised by stock id and creation in this transaction (and the quantities the function
answered), never by a returned transaction id the contract does not promise.

A movement the three parameters cannot express (another transaction type, ledger columns such
as idempotency_key or signature) is booked the way a handler does, as §10 allows: the caller's
§7 tier is checked with the §2 helpers (denied = `forbidden`, as an API answers), the stock row
is locked, the function is asked first (its §6 answer and quantities decide), then the ledger
row is inserted as `service_role` (what a server handler uses on Supabase) naming the caller.
If the function wrote the ledger itself, its call is rolled back before the insert and the
insert moves the stock (§4: a direct ledger insert moves the stock exactly as the functions
do); if it did not, the call stands and the insert is its ledger row. The lock is held
throughout, so nothing moves in between. Reads that must see every row run as the session's
own role.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from harness.binding import UNSET, Binding, Outcome

DEFAULT_MOVEMENT = {"deduct_stock_inventory": "consumed", "add_stock_inventory": "received"}
# The §2 helper that admits a caller to book each movement (the §7 action that books it).
HELPER_FOR = {"consumed": "is_operational_crew", "received": "is_operational_crew", "adjusted": "is_hod",
              "transferred_out": "is_hod", "transferred_in": "is_hod", "write_off": "is_hod",
              "reversed": "is_manager"}
LEDGER_COLUMNS = ("idempotency_key", "usage_id", "signature", "signed_by", "transfer_group_id", "from_location_id",
                  "to_location_id", "reverses_transaction_id", "reference_type", "reference_id")
LEDGER = "public.pms_inventory_transactions"


@asynccontextmanager
async def _acting_as(conn, role: str | None = None):
    """`role` (None: the session's own) for a few statements, then the caller's again. Inside
    the operation's savepoint: an error rolls the role change back with it."""
    caller = await conn.fetchval("SELECT current_user")
    await conn.execute(f'SET LOCAL ROLE "{role}"' if role else "RESET ROLE")
    yield
    await conn.execute(f'SET LOCAL ROLE "{caller}"')


class ContractBinding(Binding):
    name = "contract"
    views_from_catalog = True
    api_profile = "postgrest"  # the only API it can start: the actions as SQL functions over /rpc

    def serve(self, dsn: str, settings):
        """A team with no API code of its own writes §7's actions as SQL functions for PostgREST:
        when all nine are there for `authenticated`, the platform's RPC gateway serves them
        (harness/emulation/postgrest.py, no lens logic in it); otherwise there is no API to test."""
        import psycopg

        from harness.emulation import postgrest
        from harness.roles import ACTIONS

        with psycopg.connect(dsn) as conn:
            exposed = {name for (name,) in conn.execute(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND p.proname = ANY(%s) "
                "AND has_function_privilege('authenticated', p.oid, 'EXECUTE')", [list(ACTIONS)])}
        if not set(ACTIONS) <= exposed:
            super().serve(dsn, settings)  # raises: no API to test
        return postgrest.serve(dsn, settings.jwt_secret)

    def __init__(self):
        self.function_writes_ledger: bool | None = None  # observed on the first successful call

    async def discover(self, conn) -> None:
        """The §3 views' columns, which the contract does not name: the identity is `part_id` /
        `stock_id` (else the first uuid column), the quantities the integer columns; of the
        reconciliation view's two, the one named for the ledger or a sum is the ledger sum.
        What cannot be told apart keeps the default names (a check reading them then fails)."""
        if not self.views_from_catalog:
            return
        rows = await conn.fetch(
            "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) AS type FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum", list(self.view_columns))
        found = dict(self.view_columns)
        for view, default in self.view_columns.items():
            columns = [(r["attname"], r["type"]) for r in rows if r["relname"] == view]
            uuids = [name for name, kind in columns if kind == "uuid"]
            counts = [name for name, kind in columns if kind in ("integer", "bigint", "numeric", "smallint")]
            ident = default[0] if default[0] in uuids else (uuids[0] if uuids else None)
            if view == "v_stock_from_transactions" and len(counts) == 2:
                ledger = [c for c in counts if "ledger" in c or "sum" in c]
                counts = [c for c in counts if c not in ledger] + ledger if len(ledger) == 1 else []
            if ident and len(counts) == len(default) - 1:
                found[view] = (ident, *counts)
        self.view_columns = found

    async def _move(self, conn, fn, stock_id, quantity, yacht_id, movement, columns) -> Outcome:
        unknown = set(columns) - set(LEDGER_COLUMNS)
        if unknown:
            raise ValueError(f"not ledger columns: {sorted(unknown)}")
        caller = await conn.fetchval("SELECT auth.uid()")
        plain = movement == DEFAULT_MOVEMENT[fn] and not columns
        if not (plain and self.function_writes_ledger is not False) and not await self._admits(conn, caller, movement):
            return Outcome(False, error_code="forbidden")
        if not plain:
            async with _acting_as(conn):
                await conn.execute("SELECT 1 FROM public.pms_inventory_stock WHERE id = $1 FOR UPDATE", stock_id)
        async with _acting_as(conn):
            before = await self._new_rows(conn, stock_id, ())
        call = conn.transaction()
        await call.start()
        args = "p_stock_id => $1, p_quantity => $2" + (", p_yacht_id => $3" if yacht_id is not UNSET else "")
        row = await conn.fetchrow(f"SELECT success, quantity_before, quantity_after, error_code FROM public.{fn}({args})",
                                  stock_id, quantity, *([] if yacht_id is UNSET else [yacht_id]))
        answer = Outcome(row["success"], row["quantity_before"], row["quantity_after"], row["error_code"], raw=row)
        if not row["success"]:
            await call.commit()  # whatever a failed answer wrote stays for the caller to judge (undo=False)
            return answer
        async with _acting_as(conn):
            booked = await self._new_rows(conn, stock_id, [r["id"] for r in before], row)
        if self.function_writes_ledger is None:
            self.function_writes_ledger = bool(booked)
            if not booked and plain and not await self._admits(conn, caller, movement):
                await call.rollback()
                return Outcome(False, error_code="forbidden")
        if plain and self.function_writes_ledger:
            await call.commit()
            return Outcome(True, row["quantity_before"], row["quantity_after"], None,
                           ledger_ids=tuple(r["id"] for r in booked), raw=row)
        await (call.rollback() if self.function_writes_ledger else call.commit())
        ledger_id = await self._insert(conn, stock_id, caller, movement, row, columns)
        return Outcome(True, row["quantity_before"], row["quantity_after"], None, ledger_ids=(ledger_id,), raw=row)

    @staticmethod
    async def _admits(conn, caller, movement: str) -> bool:
        """A request (JWT claims) may book `movement` only with the tier of the §7 action that
        books it; the owner and service_role without claims are trusted server code."""
        if caller is None:
            return True
        helper = HELPER_FOR.get(movement, "is_manager")
        return bool(await conn.fetchval(f"SELECT public.{helper}($1, public.get_user_yacht_id())", caller))

    @staticmethod
    async def _new_rows(conn, stock_id, known, answer=None) -> list:
        """Ledger rows of `stock_id` created since this transaction began and not in `known`;
        with the function's `answer`, only those recording its move (its change, and its
        quantities where recorded): a concurrent writer's row, committed before the function
        took the row lock, records the move before it."""
        rows = await conn.fetch(f"SELECT id, quantity_change, quantity_before, quantity_after FROM {LEDGER} "
                                "WHERE stock_id = $1 AND created_at >= now() AND NOT (id = ANY($2::uuid[]))",
                                stock_id, list(known))
        if answer is None:
            return rows
        before, after = answer["quantity_before"], answer["quantity_after"]
        return [r for r in rows if r["quantity_change"] == after - before
                and (r["quantity_before"] is None or r["quantity_before"] == before)
                and (r["quantity_after"] is None or r["quantity_after"] == after)]

    @staticmethod
    async def _insert(conn, stock_id, caller, movement, answer, columns):
        async with _acting_as(conn, "service_role"):
            stock = await conn.fetchrow("SELECT yacht_id, part_id FROM public.pms_inventory_stock WHERE id = $1", stock_id)
            values = {"yacht_id": stock["yacht_id"], "stock_id": stock_id, "part_id": stock["part_id"],
                      "transaction_type": movement,
                      "quantity_change": answer["quantity_after"] - answer["quantity_before"],
                      "quantity_before": answer["quantity_before"], "quantity_after": answer["quantity_after"],
                      "user_id": caller, **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in columns.items()}}
            marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
            return await conn.fetchval(f"INSERT INTO {LEDGER} ({', '.join(values)}) VALUES ({marks}) RETURNING id",
                                       *values.values())
