"""Binding of the second implementation (examples/second_lens): the contract binding plus what
this implementation adds beyond CONTRACT §10.

Its stock functions take exactly §6's three parameters and move stock only; its handler inserts
the ledger row in the same transaction, which the contract binding finds by observation and
plays (harness/binding/contract.py). What only this binding knows: the §3 views' column names
(`cached_quantity`, `ledger_quantity`; the contract names the views, not their columns), which
is also how `choose` recognises the implementation from its catalog, and its own HTTP API
(`POST /v1/actions/execute`, the `envelope` profile), shipped in the wheel as harness.examples.
"""

from __future__ import annotations

from harness.binding.contract import ContractBinding


class SecondLensBinding(ContractBinding):
    name = "second"
    api_profile = "envelope"
    views_from_catalog = False
    view_columns = {"pms_part_stock": ("part_id", "on_hand"),
                    "v_stock_from_transactions": ("stock_id", "cached_quantity", "ledger_quantity")}

    def serve(self, dsn: str, settings):
        """The example's own Starlette app (examples/second_lens/api), in-process on `dsn`."""
        from harness.examples.second_lens.api.app import create_app
        from harness.sut.server import serve_in_thread

        return serve_in_thread(create_app(dsn, settings.jwt_secret, settings.large_adjust_threshold))
