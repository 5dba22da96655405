"""Binding of the second implementation (examples/second_lens): functions move stock only.

Its `deduct_stock_inventory` / `add_stock_inventory` take exactly the contract's three parameters
and return the four columns; the ledger row is inserted by its handler in the same transaction.
The handler is trusted server code: it applies the role model of CONTRACT §7 itself and writes
the ledger row with its own privileges (a crew member may receive through it, while a direct
`received` INSERT by crew is refused by the §5 policies). This binding plays that handler on the
connection the test hands it: when the connection carries JWT claims, the caller's roles are
checked with the §2 helpers (denied = `forbidden`, as the API answers), then the ledger row is
inserted with the session's own role and the caller's role is restored.
"""

from __future__ import annotations

import json

from harness.binding import UNSET, Binding, Outcome

# The §2 helper that admits a caller to book each movement (handler role model, CONTRACT §7).
HELPER_FOR = {"consumed": "is_operational_crew", "received": "is_operational_crew", "adjusted": "is_hod",
              "transferred_out": "is_hod", "transferred_in": "is_hod", "write_off": "is_hod",
              "reversed": "is_manager"}
LEDGER_COLUMNS = ("idempotency_key", "usage_id", "signature", "signed_by", "transfer_group_id", "from_location_id",
                  "to_location_id", "reverses_transaction_id", "reference_type", "reference_id")


class SecondLensBinding(Binding):
    name = "second"
    api_profile = "envelope"
    view_columns = {"pms_part_stock": ("part_id", "on_hand"),
                    "v_stock_from_transactions": ("stock_id", "cached_quantity", "ledger_quantity")}

    def serve(self, dsn: str, settings):
        """The example's own Starlette app (examples/second_lens/api), in-process on `dsn`."""
        import sys

        from harness.implementations import EXAMPLES
        from harness.sut.server import serve_in_thread

        if str(EXAMPLES.parent) not in sys.path:
            sys.path.insert(0, str(EXAMPLES.parent))
        from examples.second_lens.api.app import create_app

        return serve_in_thread(create_app(dsn, settings.jwt_secret, settings.large_adjust_threshold))

    async def _move(self, conn, fn, stock_id, quantity, yacht_id, movement, columns) -> Outcome:
        args = "p_stock_id => $1, p_quantity => $2" + (", p_yacht_id => $3" if yacht_id is not UNSET else "")
        params = [stock_id, quantity] + ([yacht_id] if yacht_id is not UNSET else [])
        caller = await conn.fetchval("SELECT auth.uid()")
        if caller is not None:
            helper = HELPER_FOR.get(movement, "is_manager")
            if not await conn.fetchval(f"SELECT public.{helper}($1, public.get_user_yacht_id())", caller):
                return Outcome(False, error_code="forbidden")
        row = await conn.fetchrow(
            f"SELECT success, quantity_before, quantity_after, error_code FROM public.{fn}({args})", *params)
        if not row["success"]:
            return Outcome(False, row["quantity_before"], row["quantity_after"], row["error_code"], raw=row)
        unknown = set(columns) - set(LEDGER_COLUMNS)
        if unknown:
            raise ValueError(f"not ledger columns: {sorted(unknown)}")
        role = await conn.fetchval("SELECT current_user")
        # The handler's own privileges for the ledger row. If the insert is refused, the savepoint
        # `deduct`/`add` opened rolls back and takes this role change with it.
        await conn.execute("RESET ROLE")
        stock = await conn.fetchrow("SELECT yacht_id, part_id FROM public.pms_inventory_stock WHERE id = $1", stock_id)
        values = {"yacht_id": stock["yacht_id"], "stock_id": stock_id, "part_id": stock["part_id"],
                  "transaction_type": movement, "quantity_change": row["quantity_after"] - row["quantity_before"],
                  "quantity_before": row["quantity_before"], "quantity_after": row["quantity_after"],
                  "user_id": caller, **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in columns.items()}}
        marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        ledger_id = await conn.fetchval(
            f"INSERT INTO public.pms_inventory_transactions ({', '.join(values)}) VALUES ({marks}) RETURNING id",
            *values.values())
        await conn.execute(f'SET LOCAL ROLE "{role}"')
        return Outcome(True, row["quantity_before"], row["quantity_after"], None, ledger_ids=(ledger_id,), raw=row)
