"""Claims a client can forge on top of its own token (CONTRACT §11.4), shared by the SQL paths
(``request.jwt.claims``) and the HTTP API (minted tokens).

An implementation that takes authority from a claim reads it under a name the harness cannot
know (``user_metadata.role``, ``app_metadata.acting_roles``, a top-level ``email``...).  So the
forgery is not one name per known defect: every word authority is made of in §1/§2 (``role``,
``tier``, ``yacht_id``, ``user_id``, the tier flags, ``admin``) is set, bare, plural and under
the usual modifiers, to the most it could grant — a manager-tier role (all of them, as a list),
the other yacht, a colleague's id — beside the colleague's identity (the text columns of its
profile: ``email``, ``name`` ...).  The payload stays a few kB: a token is a header.
The same payload goes in ``user_metadata``, ``app_metadata`` and at the top level; the caller's
answers must not move (authority comes from ``sub`` and the database only).
"""
from __future__ import annotations

import json
import re

import asyncpg

from harness import roles

#: Claims the token's issuer sets; the variations change these one at a time, never as a payload.
RESERVED = frozenset({"sub", "role", "aud", "exp", "iat", "nbf", "iss", "jti"})
#: How projects name a claim they read authority from, around the word itself.
MODIFIERS = ("", "acting_", "effective_", "active_", "current_", "selected_", "user_", "app_")
#: Where Supabase Auth (GoTrue) keeps claims a client or an admin panel may set.
METADATA = ("user_metadata", "app_metadata")
PROFILES = "auth_users_profiles"


async def name_users(conn: asyncpg.Connection, user_ids) -> None:
    """Fill the users' empty profile text columns (``email``, ``name`` ...) with distinct,
    email-shaped values, so a forged identity claim names someone who exists."""
    for (column,) in await conn.fetch("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                      "'public' AND table_name = $1 AND data_type = 'text'", PROFILES):
        await conn.execute(f'UPDATE public.{PROFILES} SET "{column}" = id::text || \'@lens.invalid\' '
                           f'WHERE id = ANY($1::uuid[]) AND "{column}" IS NULL', list(user_ids))


async def identity(conn: asyncpg.Connection, user_id) -> dict:
    """The text columns of a user's profile (e.g. ``email``, ``name``): what a token would say
    about them, as claims of the same names."""
    row = await conn.fetchval(f"SELECT to_jsonb(p) FROM public.{PROFILES} p WHERE p.id = $1", user_id)
    return {k: v for k, v in json.loads(row or "{}").items()
            if isinstance(v, str) and k not in ("id", "yacht_id") and not k.endswith("_at")}


async def read_keys(conn: asyncpg.Connection) -> list[str]:
    """Every JSON key a function, policy or view of the database reads (``->'key'``,
    ``->>'key'``, ``#>> '{a,key}'``): a project that takes authority from a claim reads it under
    its own name, and the database says that name wherever it reads it."""
    bodies = await conn.fetch(
        "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prolang <> 12 "
        "UNION ALL SELECT concat_ws(' ', qual, with_check) FROM pg_policies "
        "UNION ALL SELECT definition FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    keys = {k for (body,) in bodies for k in JSON_KEY.findall(body or "")}
    return sorted(keys - RESERVED - set(METADATA))


def powers(colleague, who: dict, yacht, read: list[str] = ()) -> dict:
    """Every authority word at its most powerful (see the module): a role or tier (one, or a list
    of the manager tier's), another yacht and a colleague's id, bare and under each modifier; the
    tier flags; the colleague's identity and an admin provider; and each key the database reads
    (``read_keys``) saying what its name says it carries (``_says``)."""
    top = sorted(roles.TIER_ROLES[roles.Tier.MANAGER])
    lists = {"role": top, "tier": [roles.Tier.MANAGER.name.lower()]}
    single = {"role": top[0], "tier": lists["tier"][0], "yacht_id": str(yacht), "user_id": str(colleague)}
    out = {mod + word: value for word, value in single.items() for mod in MODIFIERS}
    out |= {f"{mod}{word}s": value for word, value in lists.items() for mod in MODIFIERS}
    flags = {f"is_{tier.name.lower()}": True for tier in roles.TIER_ROLES} | {"is_admin": True, "admin": True}
    mined = {key: _says(key, colleague, yacht, "true") for key in (*IDENTITY_WORDS, *read)}
    return mined | out | flags | {"id": str(colleague), "provider": "service_role", **who}


def hostile(payload: dict) -> dict[str, dict]:
    """Extra claims per forgery: the payload in each metadata object, at the top level (the
    issuer's claims left alone), and all at once."""
    top = {k: v for k, v in payload.items() if k not in RESERVED}
    sets = {name: {name: payload} for name in METADATA} | {"custom claims": top}
    return sets | {"every forged claim": {k: v for s in sets.values() for k, v in s.items()}}


#: How a project names "act as this user", in a claim key (``delegate_for``) or a header
#: (``X-Act-As``): the names are unbounded, so they are composed from the usual words, each sent
#: naming a colleague (``_says``) — all at once, at no cost per request.
IDENTITY_WORDS = ("act_as", "acting_as", "acting_for", "as_user", "on_behalf_of", "impersonate", "impersonating",
                  "delegate", "delegate_for", "delegated_to", "delegated_by", "run_as", "sudo", "sudo_user", "su",
                  "switch_user", "for_user", "proxy_user", "effective_user", "real_user", "principal", "actor",
                  "operator", "crew_member", "member_id", "assume", "assume_user", "masquerade", "view_as")
#: Request headers a handler could take who or where the caller is from (a kiosk acting for the
#: crew member at its screen, a proxy naming its signed-in user, a support tool picking a yacht),
#: or that change how a request is served; the API's own published header names join them.
HEADERS = ("X-On-Behalf-Of", "X-Acting-User", "X-User-Id", "X-Yacht-Id", "X-Tenant-Id", "X-Forwarded-User",
           "X-Impersonate", "X-Role", "X-Device", "X-Client-Info", "Prefer",
           *(f"X-{'-'.join(w.title() for w in word.split('_'))}" for word in IDENTITY_WORDS))
#: Claim keys outside §1/§2's authority words under which a project may say which client, device
#: or channel a token came from, and grant more for it.
KEYS = ("device", "device_type", "client", "client_id", "app", "channel", "source", "origin", "mode", "platform",
        "kind", "type", "scope", "permissions", "groups", "team", "department", "org", "tenant", "station",
        "terminal", "acting_as", "on_behalf_of", "impersonate", "delegate", "via", "auth_method", "amr")
#: What such a key or header may have to say to be believed: shared devices and privileged
#: channels; ``--profile full`` adds ``MORE_WORDS``, every role name and every literal mined from
#: the database.
WORDS = ("kiosk", "admin", "service", "support", "system", "internal", "trusted", "true")
MORE_WORDS = ("superuser", "proxy", "shared", "dashboard", "root", "staff", "backoffice", "automation")
#: PostgREST's preferences, all at once (lenient: an unknown one is ignored, never refused).
PREFER = "return=representation, count=exact, tx=commit, handling=lenient"
JSON_KEY = re.compile(r"(?:->>?\s*'|#>>?\s*'\{(?:[^}']*,)?)([A-Za-z_][A-Za-z0-9_]*)")
HEADER_LIKE = re.compile(r"^[Xx]-[A-Za-z0-9-]{2,40}$")


def published_headers(document) -> list[str]:
    """Header names an OpenAPI document mentions: its ``in: header`` parameters and any
    ``X-...`` string, anywhere in it."""
    found, todo = set(), [document]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            if value.get("in") == "header" and isinstance(value.get("name"), str):
                found.add(value["name"])
            todo += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            todo += value
        elif isinstance(value, str) and HEADER_LIKE.match(value):
            found.add(value)
    return sorted(found)


def _says(name: str, colleague, yacht, word: str) -> str:
    """A header's value by what its name says it carries: a user (the colleague's id), a yacht
    or tenant (the other yacht's), a role (the top tier's), preferences, else ``word``."""
    low = name.lower()
    words = set(re.split(r"[-_\s]+", low))
    if any(w in low for w in ("user", "behalf", "acting", "impersonat", "subject", "member", "badge", "delegat")) \
            or words & {"act", "as", "sudo", "su", "principal", "actor", "operator", "assume", "masquerade"}:
        return str(colleague)
    if any(w in low for w in ("yacht", "tenant", "vessel", "org", "account")):
        return str(yacht)
    if "role" in low or "tier" in low:
        return sorted(roles.TIER_ROLES[roles.Tier.MANAGER])[0]
    return PREFER if low == "prefer" else word


def request_headers(names, colleague, yacht, words: list[str], slot: int) -> dict[str, str]:
    """Every header of ``names`` at once (see ``_says``); those that carry a word take the
    ``slot``-th of ``words``, each header shifted by one, so over as many slots as words every
    header has said every word."""
    return {name: _says(name, colleague, yacht, words[(slot + n) % len(words)]) for n, name in enumerate(names)}


def keyed(words: list[str], slot: int) -> dict:
    """Every key of ``KEYS`` in each metadata object and at the top level, the ``slot``-th word
    shifted by one per key (as ``request_headers``): merged into the forged claims."""
    values = {key: words[(slot + n) % len(words)] for n, key in enumerate(KEYS)}
    return {**{place: values for place in METADATA}, **values}


def merged(forged: dict, extra: dict) -> dict:
    """``forged`` claims with ``extra`` added, metadata objects merged key by key."""
    return {**forged, **extra, **{place: {**forged.get(place, {}), **extra[place]} for place in METADATA
                                  if place in extra}}
