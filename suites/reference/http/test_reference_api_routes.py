"""The reference API's own routes beyond the nine actions of CONTRACT §7 (moved from
suites/api/test_api_actions.py): its reads (stock, ledger, drift), storage that serves the bytes
back with their type, and the unauthenticated OpenAPI document and health check. A team's API
may offer none of them (§10: routes vary); the API profile declares the reads it has."""


async def test_reads_stock_transactions_and_drift(sut, ship):
    r = await sut.get(ship.crew, f"/v1/parts/{ship.part.id}/stock")
    assert r.status == 200 and r.json["on_hand"] == ship.stock.quantity
    assert [loc["location_id"] for loc in r.json["locations"]] == [str(ship.here.id)]
    r = await sut.get(ship.crew, f"/v1/parts/{ship.part.id}/transactions?limit=10")
    assert r.status == 200 and [t["transaction_type"] for t in r.json["transactions"]] == ["received"]
    r = await sut.get(ship.crew, "/v1/drift")
    assert r.status == 200 and r.json == {"status": "OK", "rows": []}


async def test_storage_round_trip_under_own_prefix(sut, ship):
    path = f"{ship.yacht.id}/parts/{ship.part.id}/manual.pdf"
    r = await sut.put_object(ship.crew, "documents", path, b"%PDF-1.4 test", "application/pdf")
    assert r.status == 201, r.json
    r = await sut.get_object(ship.crew, "documents", path)
    assert r.status == 200 and r.content == b"%PDF-1.4 test"
    assert r.headers["content-type"].startswith("application/pdf")


async def test_openapi_and_health_need_no_token(sut):
    r = await sut.request("GET", "/openapi.json")
    assert r.status == 200 and r.json["openapi"].startswith("3.")
    assert {f"/v1/actions/{a}" for a in ("consume_part", "reverse_transaction")} <= set(r.json["paths"])
    r = await sut.request("GET", "/healthz")
    assert r.status == 200 and r.json["status"] == "ok"
