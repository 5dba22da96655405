"""The reference's stock functions take the ledger row's signature in p_details (its deviation
from §6, docs/ARCHITECTURE.md), so they hold §7's signature rules themselves: through /rpc a
write-off or reversal with any one field omitted or changed, signed outside the window, or not
signed at all, is refused and leaves nothing."""
from __future__ import annotations

import json

import pytest

from ..edges.test_rule_edges import _state
from ..edges.variations import field_variations, signed_columns, window_variations


@pytest.mark.parametrize("ttype", ["write_off", "reversed"])
async def test_function_signature_fields_and_window(lens_tx, as_user, lens_binding, ship, ttype):
    """Every field on its own, both sides of both bounds of signed_at, and no signature at all."""
    signer = ship.hod if ttype == "write_off" else ship.manager
    cols, quantity = {}, 1
    if ttype == "reversed":  # the opening balance, reversed exactly
        opening = await lens_tx.fetchrow("SELECT id, quantity_change FROM pms_inventory_transactions "
                                         "WHERE stock_id = $1 AND transaction_type = 'received'", ship.stock.id)
        cols["reverses_transaction_id"], quantity = opening["id"], opening["quantity_change"]
    before = await _state(lens_tx, ship)
    outcomes, expected = {}, {}
    now = await lens_tx.fetchval("SELECT now()")
    cases = {"valid": ({}, True), **{n: (c, False) for n, c in field_variations(ship.crew, signer).items()},
             **{f"signed_at {n}": ({"signed_at": (now + offset).isoformat()}, ok)
                for n, (offset, ok) in window_variations().items()}}
    for name, (change, ok) in cases.items():
        signed = signed_columns(signer, now, **change)
        signed["signature"] = json.loads(signed["signature"])
        async with as_user(signer) as conn:  # each case rolled back: the next must not hit already_reversed
            got = await lens_binding.deduct(conn, ship.stock.id, abs(quantity), movement=ttype, **cols,
                                            **{k: v for k, v in signed.items() if v is not None})
        outcomes[name], expected[name] = got.success, ok
    async with as_user(signer) as conn:
        got = await lens_binding.deduct(conn, ship.stock.id, abs(quantity), movement=ttype, **cols)
    outcomes["unsigned"], expected["unsigned"] = got.success, False
    assert outcomes == expected
    assert await _state(lens_tx, ship) == before
