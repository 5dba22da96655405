"""Reference-only, service level (no HTTP): the reference handler really acts as the caller,
and its errors are the contract's (status, code) pairs. Skipped when suites target a foreign
API, since this exercises the in-process reference handler itself."""
from __future__ import annotations

import pytest

from harness.db import current_identity
from harness.sut import ServiceError
from harness.sut.service import InventoryService


@pytest.fixture
def service(lens_pool, lens_settings):
    if lens_settings.api_url:
        pytest.skip("service-level tests exercise the in-process reference handler")
    return InventoryService(lens_pool, large_adjust_threshold=lens_settings.large_adjust_threshold)


async def test_actions_run_as_authenticated_with_the_callers_claims(service, ship):
    async with service._session(ship.crew.id) as tx:
        who = await current_identity(tx.conn)
        assert who["role"] == "authenticated"
        assert not who["superuser"] and not who["bypassrls"]
        assert who["uid"] == ship.crew.id
        assert tx.caller.yacht_id == ship.yacht.id and tx.caller.roles == {"deckhand"}


async def test_service_returns_results_and_raises_contract_errors(service, ship, ledger):
    body = {"part_id": ship.part.id, "location_id": ship.here.id, "quantity": 2}
    result = await service.consume_part(ship.crew.id, body)
    assert result["quantity_after"] == ship.stock.quantity - 2
    with pytest.raises(ServiceError) as err:
        await service.consume_part(ship.crew.id, {**body, "quantity": ship.stock.quantity})
    assert (err.value.status, err.value.code) == (409, "insufficient_stock")
    with pytest.raises(ServiceError) as err:
        await service.reverse_transaction(ship.crew.id, {})
    assert (err.value.status, err.value.code) == (403, "forbidden")
    assert await ledger.quantity(ship.stock.id) == ship.stock.quantity - 2
