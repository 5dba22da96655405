"""The Supabase compat layer behaves like Supabase: claims drive auth.*, foldername splits paths."""

import uuid

import pytest

from harness.db import current_identity


async def test_auth_uid_reads_the_claims(lens_tx, as_user):
    uid = uuid.uuid4()
    async with as_user(uid) as conn:
        assert await conn.fetchval("SELECT auth.uid()") == uid
        assert await conn.fetchval("SELECT auth.role()") == "authenticated"
        assert (await conn.fetchval("SELECT auth.jwt()->>'sub'")) == str(uid)
        identity = await current_identity(conn)
        assert identity["role"] == "authenticated" and not identity["superuser"] and not identity["bypassrls"]
    assert await lens_tx.fetchval("SELECT current_user") != "authenticated", "role restored after the block"


async def test_auth_uid_falls_back_to_the_single_claim_and_is_null_when_unset(lens_tx):
    uid = uuid.uuid4()
    async with lens_tx.transaction():
        assert await lens_tx.fetchval("SELECT auth.uid()") is None
        await lens_tx.execute("SELECT set_config('request.jwt.claims', '', true)")
        assert await lens_tx.fetchval("SELECT auth.uid()") is None, "'' after a commit must read as NULL"
        await lens_tx.execute("SELECT set_config('request.jwt.claim.sub', $1, true)", str(uid))
        assert await lens_tx.fetchval("SELECT auth.uid()") == uid


@pytest.mark.parametrize("name, expected", [
    ("y1/parts/p1/a.pdf", ["y1", "parts", "p1"]),
    ("noslash", []),
    ("/lead/x.png", ["", "lead"]),
])
async def test_storage_foldername(lens_tx, name, expected):
    assert await lens_tx.fetchval("SELECT storage.foldername($1)", name) == expected


async def test_api_roles_exist_with_supabase_attributes(lens_tx):
    rows = {r["rolname"]: r for r in await lens_tx.fetch(
        "SELECT rolname, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname IN ('anon','authenticated','service_role')")}
    assert set(rows) == {"anon", "authenticated", "service_role"}
    assert not rows["authenticated"]["rolcanlogin"] and not rows["authenticated"]["rolbypassrls"]
    assert rows["service_role"]["rolbypassrls"]
