"""The PostgREST-shaped gateway (harness/emulation/postgrest.py) on a real server, over any
function: named arguments cast to the parameter types, a lone unnamed jsonb parameter getting the
whole body, the token's user and claims inside the function, PostgREST's status per SQLSTATE
(`PT<status>` chosen by the function, details kept), 404 for a function `authenticated` may not
EXECUTE, 401 for a bad token, and one transaction per request (a refusal leaves nothing)."""

import asyncio

import httpx
import pytest

from harness import db, migrate
from harness.config import Settings
from harness.emulation import postgrest
from harness.provision.embedded import EmbeddedServer
from harness.sut.auth import mint

FUNCTIONS = """
CREATE TABLE public.notes (body text);
GRANT INSERT, SELECT ON public.notes TO authenticated;
CREATE FUNCTION public.add(a integer, b integer DEFAULT 10) RETURNS jsonb LANGUAGE sql AS
  $$ SELECT jsonb_build_object('sum', a + b, 'caller', auth.uid()) $$;
CREATE FUNCTION public.note_then_refuse(jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.notes VALUES ($1 ->> 'body');
  RAISE EXCEPTION USING ERRCODE = 'PT409', MESSAGE = 'taken', DETAIL = '{"id": 7}';
END $$;
CREATE FUNCTION public.owner_only() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
REVOKE EXECUTE ON FUNCTION public.owner_only() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.add(integer, integer), public.note_then_refuse(jsonb) TO authenticated;
"""
USER = "6f1c1c1e-6f5a-4c5e-9a57-2a8f8b0f4d11"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """One embedded server with the functions above, and the gateway on it."""
    sql_dir = tmp_path_factory.mktemp("gateway") / "migrations"
    sql_dir.mkdir()
    (sql_dir / "20261201000000_functions.sql").write_text(FUNCTIONS)
    with EmbeddedServer() as server:
        migrate.apply(server.admin_dsn, sql_dir.parent)
        url, stop = postgrest.serve(server.admin_dsn, Settings.jwt_secret)
        yield url, server.admin_dsn
        stop()


def _post(url: str, fn: str, body, token: str | None = mint(USER, Settings.jwt_secret)) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{url}/rest/v1/rpc/{fn}", json=body, headers=headers, timeout=30)


def test_named_arguments_are_cast_and_run_as_the_tokens_user(gateway):
    url, _ = gateway
    assert _post(url, "add", {"a": 2}).json() == {"sum": 12, "caller": USER}
    assert _post(url, "add", {"a": 2, "b": 3}).json()["sum"] == 5
    assert _post(url, "add", {"a": "x"}).status_code == 400  # 22P02, as PostgREST


def test_a_raised_status_is_answered_and_the_request_rolled_back(gateway):
    url, dsn = gateway
    r = _post(url, "note_then_refuse", {"body": "left behind?"})
    assert (r.status_code, r.json()) == (409, {"code": "PT409", "message": "taken", "details": '{"id": 7}', "hint": None})

    async def notes() -> int:
        conn = await db.connect(dsn)
        try:
            return await conn.fetchval("SELECT count(*) FROM public.notes")
        finally:
            await conn.close()
    assert asyncio.run(notes()) == 0


def test_what_authenticated_cannot_call_is_not_found_and_a_bad_token_is_401(gateway):
    url, _ = gateway
    for fn, body in (("owner_only", {}), ("add", {"a": 1, "c": 2}), ("add", {}), ("nosuch", {})):
        r = _post(url, fn, body)
        assert (r.status_code, r.json()["code"]) == (404, "PGRST202"), (fn, body, r.text)
    assert _post(url, "add", {"a": 1}, token=None).status_code == 401
    assert _post(url, "add", {"a": 1}, token=mint(USER, Settings.jwt_secret, ttl=-10)).json()["message"] == "unauthorized"
