"""API profiles and tokens: the envelope profile drives the second lens's own API over real HTTP
on a real database; profiles and token sources fail with one line, never a traceback."""

import asyncio
import uuid

import psycopg
import pytest

from harness import migrate
from harness.binding.api import ProfileClient, load_profile
from harness.binding.second_lens import SecondLensBinding
from harness.binding.tokens import StaticTokens, minter
from harness.config import Settings
from harness.db import connect
from harness.errors import HarnessError
from harness.factories import Factory
from harness.implementations import EXAMPLES
from harness.provision.embedded import EmbeddedServer
from harness.sut.adapter import signature_for

SECOND = EXAMPLES / "second_lens" / "supabase"


@pytest.fixture(scope="module")
def second_lens():
    """The second implementation migrated on an embedded server, its API served in-process."""
    with EmbeddedServer() as server:
        with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
            conn.execute("CREATE DATABASE second_lens")
        dsn = server.dsn_for("second_lens")
        migrate.apply(dsn, SECOND)
        base_url, stop = SecondLensBinding().serve(dsn, Settings())
        try:
            yield dsn, base_url
        finally:
            stop()


async def _ship(dsn):
    conn = await connect(dsn)
    f = Factory(conn, binding=SecondLensBinding())
    yacht = await f.yacht()
    crew, hod = await f.user(yacht, "deckhand"), await f.user(yacht, "chief_engineer")
    part = await f.part(yacht)
    here = await f.location(yacht)
    stock = await f.stock(part, here, quantity=5)
    await conn.close()
    return yacht, crew, hod, part, here, stock


def _client(base_url, profile="envelope"):
    return ProfileClient(load_profile(profile), base_url, minter("hs256", Settings().jwt_secret))


def test_envelope_profile_round_trip_against_the_second_lens(second_lens):
    dsn, base_url = second_lens

    async def scenario():
        yacht, crew, hod, part, here, stock = await _ship(dsn)
        client = _client(base_url)
        body = {"part_id": str(part.id), "location_id": str(here.id), "quantity": 2}
        ok = await client.call(crew, "consume_part", body)
        short = await client.call(crew, "consume_part", {**body, "quantity": 4})
        denied = await client.call(crew, "write_off_part", {**body, "reason": "x", "signature": signature_for(crew)})
        unsigned = await client.call(hod, "write_off_part", {**body, "reason": "broken"})
        stranger = await client.call(type(crew)(uuid.uuid4(), yacht.id, "deckhand"), "consume_part", body)
        key = {"part_id": str(part.id), "location_id": str(here.id), "quantity": 1, "idempotency_key": "po-1"}
        first, again = await client.call(crew, "receive_part", key), await client.call(crew, "receive_part", key)
        await client.aclose()
        return ok, short, denied, unsigned, stranger, first, again

    ok, short, denied, unsigned, stranger, first, again = asyncio.run(scenario())
    assert (ok.status, ok.json["quantity_before"], ok.json["quantity_after"]) == (200, 5, 3)
    assert (short.status, short.error) == (409, "insufficient_stock")
    assert (denied.status, denied.error) == (403, "forbidden")
    assert (unsigned.status, unsigned.error) == (400, "signature_required")
    assert (stranger.status, stranger.error) == (403, "forbidden")
    assert (first.status, again.status, again.error) == (200, 409, "duplicate_request")
    assert again.json["transaction_id"] == first.json["transaction_id"], "the body carries the original row"


def test_the_envelope_carries_the_callers_yacht_and_a_forged_one_is_refused(second_lens):
    dsn, base_url = second_lens

    async def scenario():
        yacht, crew, hod, part, here, stock = await _ship(dsn)
        other = (await _ship(dsn))[0]
        client = _client(base_url)
        assert client.envelope(crew, "consume_part", {"q": 1}) == {
            "action": "consume_part", "context": {"yacht_id": str(yacht.id)}, "payload": {"q": 1}}
        forged = await client.request("POST", "/v1/actions/execute", user=crew, json={
            "action": "consume_part", "context": {"yacht_id": str(other.id)},
            "payload": {"part_id": str(part.id), "location_id": str(here.id), "quantity": 1}})
        await client.aclose()
        return client.normalise(forged)

    forged = asyncio.run(scenario())
    assert (forged.status, forged.error) == (403, "forbidden")


def test_reference_profile_is_the_reference_routes():
    client = _client("http://127.0.0.1:9", "reference")
    assert client.endpoint("consume_part") == ("POST", "/v1/actions/consume_part")
    assert client.envelope(None, "consume_part", {"quantity": 1}) == {"quantity": 1}


def test_a_team_profile_file_overrides_one_action(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text("name: team\nactions:\n  default: {method: POST, route: /api/run, body: {op: $action, data: $payload}}\n"
                    "  reverse_transaction: {route: /api/reversals}\nresponse: {data: result, error: err.code}\n")
    profile = load_profile(str(path))
    client = ProfileClient(profile, "http://127.0.0.1:9", lambda user: "t")
    assert client.endpoint("consume_part") == ("POST", "/api/run")
    assert client.endpoint("reverse_transaction") == ("POST", "/api/reversals")
    assert client.envelope(None, "reverse_transaction", {"a": 1}) == {"op": "reverse_transaction", "data": {"a": 1}}


@pytest.mark.parametrize("text, message", [
    ("actions: [", "is not valid YAML"),
    ("name: x\n", "needs `actions: {default: {method, route, body}}`"),
    ("actions: {default: {route: api}}\n", "route must be a path starting with /"),
    ("actions: {default: {route: /a}}\nauth: {kind: cookie}\n", "auth.kind must be one of hs256, password, static"),
])
def test_bad_profiles_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(HarnessError, match=message.replace("{", r"\{").replace("}", r"\}").replace("[", r"\[")):
        load_profile(str(path))


def test_unknown_profile_names_the_built_ins():
    with pytest.raises(HarnessError, match="unknown API profile 'soap': choose one of envelope, postgrest, reference"):
        load_profile("soap")


def test_static_tokens_come_per_role_from_the_environment():
    tokens = StaticTokens({"LENS_TOKEN_CHIEF_ENGINEER": "tok-ce"})
    user = type("U", (), {"role": "chief_engineer"})()
    assert tokens(user) == "tok-ce"
    with pytest.raises(HarnessError, match="no static token for role deckhand: set LENS_TOKEN_DECKHAND"):
        tokens(type("U", (), {"role": "deckhand"})())


def test_password_grant_needs_the_project_and_anon_key():
    with pytest.raises(HarnessError, match="needs LENS_SUPABASE_URL and LENS_SUPABASE_ANON_KEY"):
        minter("password", "secret", env={})


def test_password_grant_signs_each_role_in_once_over_http():
    """Against a local endpoint answering as Supabase Auth does (the request shape of ANCHORS.md)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from harness.sut.server import serve_in_thread

    seen = []

    async def token(request: Request):
        body = await request.json()
        seen.append((request.query_params.get("grant_type"), request.headers.get("apikey"), body["email"]))
        if body["password"] != "right":
            return JSONResponse({"error": "invalid_grant", "error_description": "Invalid login credentials"}, 400)
        return JSONResponse({"access_token": f"jwt-for-{body['email']}", "expires_in": 3600, "refresh_token": "r"})

    base_url, stop = serve_in_thread(Starlette(routes=[Route("/auth/v1/token", token, methods=["POST"])]))
    try:
        env = {"LENS_SUPABASE_URL": base_url, "LENS_SUPABASE_ANON_KEY": "anon-key",
               "LENS_USER_DECKHAND_EMAIL": "deck@y", "LENS_USER_DECKHAND_PASSWORD": "right",
               "LENS_USER_CAPTAIN_EMAIL": "cap@y", "LENS_USER_CAPTAIN_PASSWORD": "wrong"}
        grant = minter("password", "unused", env=env)
        deckhand = type("U", (), {"role": "deckhand"})()
        assert grant(deckhand) == grant(deckhand) == "jwt-for-deck@y"
        with pytest.raises(HarnessError) as refused:
            grant(type("U", (), {"role": "captain"})())
    finally:
        stop()
    assert seen == [("password", "anon-key", "deck@y"), ("password", "anon-key", "cap@y")], "cached per role"
    assert str(refused.value) == "password grant for cap@y refused (400): Invalid login credentials"
    assert "wrong" not in str(refused.value)


def test_profiles_declare_storage_and_reads_or_get_one_line_errors(tmp_path):
    """Reads are optional (only declared ones are probed); a route that is not a path is refused."""
    assert set(load_profile("reference").reads) == {"stock", "transactions", "drift"}
    assert load_profile("envelope").reads == {}
    client = _client("http://127.0.0.1:9")
    assert client.storage_path("documents", "y/parts/a.pdf") == "/v1/storage/documents/y/parts/a.pdf"
    assert client.label("consume_part") == "POST /v1/actions/execute [consume_part]"
    path = tmp_path / "p.yaml"
    path.write_text("actions: {default: {route: /a}}\nreads: {stock: parts}\n")
    with pytest.raises(HarnessError, match="reads.stock must be a path starting with /"):
        load_profile(str(path))


def test_a_binding_that_cannot_start_its_api_is_never_given_the_reference_one():
    """A team's `module:Class` binding without `serve`: the HTTP checks that need an API of their
    own (no --api-url; the nemesis's private server) are blocked with this reason, never run
    against the reference API in its place."""
    from harness.binding import Binding
    from harness.binding.sql import SqlBinding

    class TeamBinding(SqlBinding):
        name = "team"
        serve = Binding.serve

    with pytest.raises(HarnessError, match="no API to test: binding 'team' has none it can start"):
        TeamBinding().serve("postgresql://nowhere/db", Settings())
