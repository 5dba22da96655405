"""harness/batch.py: the round-trip savers give the same answers as one statement at a time, and
a probe batch leaves nothing behind (rows, role, claims) — it must be safe on a verify-only DSN."""

import pytest

from harness.batch import Probe, probe_all, scalars
from harness.db import as_user, claims_for


async def test_probes_answer_as_single_statements_would_and_leave_nothing(lens_tx, factory):
    yacht, other = await factory.yacht(), await factory.yacht()
    crew = await factory.user(yacht, "deckhand")
    part, foreign = await factory.part(yacht), await factory.part(other)
    stock = await factory.stock(part, quantity=5)
    rename = f"UPDATE public.pms_parts SET name = 'probed' WHERE id = '{part.id}'"
    probes = [
        Probe("authenticated", claims_for(crew), f"SELECT count(*) FROM public.pms_parts WHERE id = '{part.id}'", value=True),
        Probe("authenticated", claims_for(crew), f"SELECT count(*) FROM public.pms_parts WHERE id = '{foreign.id}'", value=True),
        Probe("authenticated", claims_for(crew), "SELECT auth.uid()::text", value=True),
        Probe("authenticated", claims_for(crew), f"DELETE FROM public.pms_inventory_transactions WHERE stock_id = '{stock.id}'"),
        Probe("authenticated", claims_for(crew), f"UPDATE public.pms_inventory_stock SET quantity = -1 WHERE id = '{stock.id}'"),
        Probe("anon", None, "SELECT count(*) FROM public.pms_parts", value=True),
        Probe("service_role", None, rename),
    ]
    single = []
    for p in probes[:3]:
        async with as_user(lens_tx, crew) as conn:
            single.append(str(await conn.fetchval(p.sql)))
    outcomes = await probe_all(lens_tx, probes)
    assert [o.value for o in outcomes[:3]] == single == ["1", "0", str(crew.id)]
    assert outcomes[3].sqlstate == "42501", outcomes[3]   # the ledger is append-only (§5)
    assert outcomes[4].sqlstate == "42501", outcomes[4]   # stock moves only through the functions
    assert outcomes[5].sqlstate == "42501", outcomes[5]
    assert outcomes[6].rows == 1 and outcomes[6].sqlstate is None, outcomes[6]
    assert await lens_tx.fetchval("SELECT name FROM pms_parts WHERE id = $1", part.id) != "probed"
    assert await lens_tx.fetchval("SELECT quantity FROM pms_inventory_stock WHERE id = $1", stock.id) == 5
    assert await lens_tx.fetchval("SELECT current_user") not in ("authenticated", "anon", "service_role")
    assert await lens_tx.fetchval("SELECT coalesce(current_setting('request.jwt.claims', true), '')") == ""


async def test_a_probe_runs_row_statements_only(lens_tx):
    with pytest.raises(ValueError, match="row statements only"):
        await probe_all(lens_tx, [Probe("authenticated", None, "CREATE TABLE lens_x (a int)")])


async def test_scalars_share_the_parameters(lens_tx):
    assert await scalars(lens_tx, {"a": "SELECT $1::int + 1", "b": "SELECT $1::int * 10"}, 4) == {"a": 5, "b": 40}
