"""A18–A19: the role helpers. A18 checks every role of CONTRACT §2 plus guest, an inactive role
and a role held on another yacht against every helper, with the contract's lists written out
here as an independent source, and that no zero-argument overload exists. A19 checks that the
SQL helpers agree with the handler's role model (harness/roles.py) for every role, so the
database and the handler can never disagree about who may do what."""

import pytest

from harness.roles import TIER_HELPER, TIER_ROLES

CONTRACT = {  # CONTRACT §2, verbatim
    "is_operational_crew": {"deckhand", "bosun", "steward", "eto", "chief_engineer", "chief_officer", "captain", "manager", "purser"},
    "is_hod": {"captain", "chief_engineer", "chief_officer", "purser", "manager"},
    "is_manager": {"captain", "manager"},
}
HELPERS = tuple(CONTRACT)
ROLES = CONTRACT["is_operational_crew"] | {"guest"}  # every §2 role, plus one that is in no list


async def _helper_values(conn, user_id, yacht_id) -> dict:
    row = await conn.fetchrow(
        "SELECT public.is_operational_crew($1, $2) AS is_operational_crew, public.is_hod($1, $2) AS is_hod, "
        "public.is_manager($1, $2) AS is_manager, public.get_user_yacht_id() AS yacht", user_id, yacht_id)
    return dict(row)


async def _users_per_role(factory, yacht, roles):
    return {role: await factory.user(yacht, role) for role in sorted(roles)}


@pytest.mark.acceptance("A18")
async def test_every_role_against_every_helper(lens_tx, factory, as_user):
    """The policies are only as right as the helpers: check each against CONTRACT §2 directly,
    including the cases a sloppy helper gets wrong (inactive, other yacht, unlisted role).
    Only §1 tenancy rows are needed (no stock), so a §3 gap does not block it."""
    yacht, other_yacht = await factory.yacht(), await factory.yacht()
    users = await _users_per_role(factory, yacht, ROLES)
    inactive_role = await factory.user(yacht, "captain", active=False)
    foreign_captain = await factory.user(other_yacht, "captain")
    inactive_profile = await factory.user(yacht, "captain")
    await lens_tx.execute("UPDATE auth_users_profiles SET is_active = false WHERE id = $1", inactive_profile.id)

    for role, user in users.items():
        async with as_user(user) as conn:
            got = await _helper_values(conn, user.id, yacht.id)
        assert got == {**{h: role in CONTRACT[h] for h in HELPERS}, "yacht": yacht.id}, role
    for label, user in (("inactive role", inactive_role), ("captain of another yacht", foreign_captain),
                        ("inactive profile", inactive_profile)):
        async with as_user(user) as conn:
            got = await _helper_values(conn, user.id, yacht.id)
        assert not any(got[h] for h in HELPERS), label
    async with as_user(inactive_profile) as conn:
        assert await conn.fetchval("SELECT public.get_user_yacht_id()") is None
    async with as_user(foreign_captain) as conn:  # a role elsewhere is a role there, not here
        assert await _helper_values(conn, foreign_captain.id, other_yacht.id) == {
            **{h: True for h in HELPERS}, "yacht": other_yacht.id}

    zero_arg = await lens_tx.fetch(
        "SELECT p.oid::regprocedure::text AS proname FROM pg_proc p WHERE p.proname = ANY($1) AND p.pronargs = 0",
        list(HELPERS))  # in any schema: one on the search_path is enough to make `is_hod()` resolve
    assert [r["proname"] for r in zero_arg] == [], "zero-argument helper overloads are ambiguous"


@pytest.mark.acceptance("A19")
async def test_sql_helpers_agree_with_the_handler_role_model(factory, as_user):
    """The handler gates actions with harness/roles.py and the database with the helpers; if they
    disagree, one path allows what the other refuses."""
    yacht = await factory.yacht()
    users = await _users_per_role(factory, yacht, ROLES)
    disagreements = []
    for role, user in users.items():
        async with as_user(user) as conn:
            got = await _helper_values(conn, user.id, yacht.id)
        for tier, helper in TIER_HELPER.items():
            if got[helper] != (role in TIER_ROLES[tier]):
                disagreements.append(f"{role}: SQL {helper}={got[helper]}, handler tier {tier.name}={role in TIER_ROLES[tier]}")
    assert disagreements == []
