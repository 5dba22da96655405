"""The reference's SQL binding: its atomic functions write the ledger row themselves.

`sql/307` gives `deduct_stock_inventory` / `add_stock_inventory` two extra parameters with
defaults (`p_transaction_type`, `p_details` jsonb holding the ledger columns) and a fifth return
column `transaction_id` (the ledger row written, or on `duplicate_request` the original one).
That is allowed by CONTRACT §10 and known only here.
"""

from __future__ import annotations

import json
import uuid

from harness.binding import UNSET, Binding, Outcome

DEFAULT_MOVEMENT = {"deduct_stock_inventory": "consumed", "add_stock_inventory": "received"}


def _jsonable(value):
    return str(value) if isinstance(value, uuid.UUID) else value


class SqlBinding(Binding):
    name = "reference"
    reference = True

    @classmethod
    def misfits(cls, columns, functions) -> list[str]:
        """Beyond §10: an overload taking p_transaction_type and p_details and returning transaction_id."""
        from harness.conformance import STOCK_FUNCTIONS, parameters

        problems = super().misfits(columns, functions)
        for fn in STOCK_FUNCTIONS:
            shapes = [parameters(overload) for overload in functions.get(fn, [])]
            if shapes and not any({"p_transaction_type", "p_details"} <= set(ins) and "transaction_id" in outs
                                  for ins, outs in shapes):
                problems.append(f"{fn} takes no p_transaction_type/p_details or returns no transaction_id")
        return problems

    def serve(self, dsn: str, settings):
        """The reference API (harness/sut), in-process on `dsn`."""
        from harness.sut.api import create_app
        from harness.sut.server import serve_in_thread

        return serve_in_thread(create_app(dsn, jwt_secret=settings.jwt_secret, variant=settings.sut,
                                          large_adjust_threshold=settings.large_adjust_threshold))

    async def _move(self, conn, fn, stock_id, quantity, yacht_id, movement, columns) -> Outcome:
        args, params = ["p_stock_id => $1", "p_quantity => $2"], [stock_id, quantity]
        if yacht_id is not UNSET:
            params.append(yacht_id)
            args.append(f"p_yacht_id => ${len(params)}")
        if movement != DEFAULT_MOVEMENT[fn]:
            params.append(movement)
            args.append(f"p_transaction_type => ${len(params)}")
        if columns:
            params.append(json.dumps({k: _jsonable(v) for k, v in columns.items()}))
            args.append(f"p_details => ${len(params)}::jsonb")
        row = await conn.fetchrow(f"SELECT * FROM public.{fn}({', '.join(args)})", *params)
        ids = (row["transaction_id"],) if row["success"] and row["transaction_id"] else ()
        return Outcome(row["success"], row["quantity_before"], row["quantity_after"], row["error_code"],
                       ledger_ids=ids, raw=row)
