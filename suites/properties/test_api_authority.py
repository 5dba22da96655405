"""CONTRACT §11.4 over the HTTP API: authority comes from the token's ``sub`` and the database,
never from another claim — checked on every action and every read the API profile declares.

The request set: every action of §7 with a valid body, once by the lowest tier that admits it
and once by the highest tier that does not (a 403 that a forged claim must not open), and every
declared read by a crew member and a user of no tier.  The set runs once per token: plain; with
forged claims (a colleague's identity and every authority word at its most powerful, in
``user_metadata``, ``app_metadata`` and at the top level: harness/paths/claims.py); with
another ``role`` string; as a stranger (a ``sub`` with no profile), plainly and with the
captain's identity claims; without ``sub``; expired a day ago; not valid for another hour;
the whole request hostile at once (the forged claims, plus claim keys beyond the authority
words — ``device``, ``channel``, ``client``... — each saying a privileged word such as ``kiosk``
or ``support``, plus identity and tenancy headers naming the captain, the other yacht, a top
role: a defect may need a claim *and* a header, so they are never varied one at a time; the
words rotate so that over the run every key and header says every word on some action and on
every read); every read by a user of every §2 role, plainly and with query parameters naming another yacht
(the yacht holds a drifting row, so its drift report is its own); and signed with the wrong secret (the refusal every bad token may get).  Each run starts from a
fresh part of the same yacht, so the runs compare position by position (ids labelled by role).

Judged by the authority oracle: forged claims answer exactly what the plain token answers
(status, code, message, rows); the hostile request that or a refusal; a stranger's forged claims what a stranger answers; another role
string the plain answer or the bad token's refusal; no ``sub`` the stranger's answer or that
refusal; an expired or not-yet-valid token that refusal.  Every row written names the token's
``sub`` (attribution), and a refused request leaves none (all or nothing).  The API commits, so
the rows hang off the run's own yachts and are purged with them.  Smoke forges every claim in
one token and one role string; ``--profile full`` forges each place alone and more role strings.
"""
from __future__ import annotations

import itertools
import time
import uuid
from collections import Counter

import pytest

from harness import roles, surface
from harness.binding.tokens import forger
from harness.errors import HarnessError
from harness.factories import User
from harness.oracles import all_or_nothing, attribution, authority
from harness.paths import catalog, claims, values
from harness.paths.probe import Probe

from ..surface.test_api_surface import _body, _lowest
from .test_api_properties import _observe, _published

DAY, HOUR = 24 * 3600, 3600
#: A role string the contract does not issue tokens for (smoke); full adds these.
ROLE_STRINGS = {"smoke": ("service_role",), "full": ("service_role", "anon", "supabase_admin", "captain")}


def _below(action: str, users: dict) -> User:
    """The highest-tier user the action does not admit (a role of no tier for crew actions)."""
    tier = roles.ACTIONS[action].tier
    return max((u for u in users.values() if roles.tier_of(u.role) < tier), key=lambda u: roles.tier_of(u.role))


async def _part_world(f, yacht, labels: dict) -> dict:
    """A fresh part with stock in two locations (the one the actions use, and one whose opening
    receipt the reversal reverses), its ids labelled by what they are."""
    names = [str(uuid.uuid4()) for _ in range(4)]   # ids by shape: labelled like the rows' ids
    part = await f.part(yacht, names[0], part_number=names[1])
    here, there = await f.location(yacht, names[2]), await f.location(yacht, names[3])
    stocks = {"here": await f.stock(part, here, quantity=20), "there": await f.stock(part, there, quantity=2)}
    tx = await f.conn.fetchval("SELECT id FROM pms_inventory_transactions WHERE stock_id = $1 LIMIT 1",
                               stocks["there"].id)
    labels |= {str(part.id): "part", str(here.id): "here", str(there.id): "there", str(tx): "opening receipt",
               **dict(zip(names, ("part name", "part number", "here's name", "there's name"))),
               **{str(s.id): f"stock:{k}" for k, s in stocks.items()}}
    return {"part": part, "here": here, "there": there, "tx": tx}


def _requests(sut, world: dict, users: dict, *, each_tier: bool = True, query: str = "",
              readers: tuple = ()) -> list[tuple]:
    """(label, user, action or GET route, body or None): every action by the lowest tier it
    admits (and first, with ``each_tier``, by the highest it does not), then every declared read
    a part id fills, by a crew member (and a user of no tier) or by ``readers``, each read with
    ``query`` appended."""
    out = []
    for action in roles.ACTIONS:
        for user in ((_below(action, users),) if each_tier else ()) + (_lowest(action, users),):
            out.append((f"POST {action} as {user.role}", user, action, _body(action, world, user, world["tx"])))
    readers = readers or ((users["deckhand"], users["guest"]) if each_tier else (users["deckhand"],))
    for route in sut.profile.reads.values():
        path = route.replace("{part_id}", str(world["part"].id)) + query
        if "{" not in path:
            out += [(f"GET {route} as {user.role}", user, path, None) for user in readers]
    return out


#: Query parameters a client can add to any read, each naming another yacht: authority is the
#: token's and the database's, so a read answers the same with them (or refuses), for a user of
#: every §2 role — red team round 5, 38: managers got ``?yacht_id=``'s drift report read on the
#: backend's own connection.
QUERY_KEYS = ("yacht_id", "yacht", "tenant_id")


async def _drifting_row(f, yacht) -> None:
    """A stock row of the yacht whose quantity the owner moved without a ledger row: every read
    of the yacht's drift then answers something only this yacht holds."""
    stock = await f.stock(await f.part(yacht), await f.location(yacht), quantity=3)
    await f.conn.execute("UPDATE pms_inventory_stock SET quantity = quantity + 1 WHERE id = $1", stock.id)


def _slots(requests: list, width: int, turn: int, turns: int) -> tuple[list, list[int]]:
    """The requests with the reads repeated until each route is read ``width / turns`` times, and
    each request's slot: its place among the actions, or among its route's reads, after those of
    the earlier turns (so over ``turns`` runs every header and claim key says each of ``width``
    words on some action and on every read)."""
    share = -(-width // turns)
    reads = [r for r in requests if r[3] is None]
    times = -(-share // min(Counter(r[2] for r in reads).values())) if reads else 1
    requests = [r for r in requests if r[3] is not None] + reads * times
    seen, slots = Counter(), []
    for _, _, target, body in requests:
        kind = "action" if body is not None else target
        slots.append(seen[kind] + turn * (len(requests) - len(reads) * times if kind == "action" else share))
        seen[kind] += 1
    return requests, slots


def _unlisted(found: list[str]) -> list[str]:
    known = {h.lower() for h in claims.HEADERS}
    return [h for h in found if h.lower() not in known]


#: Tokens that name nobody or are not valid now: each gets a stranger's answer or a refusal.
DOOR = {"no sub": lambda now, every: {"sub": None, **every}, "expired a day ago": lambda now, every: {"ttl": -DAY},
        "not valid for an hour": lambda now, every: {"nbf": now + HOUR, "iat": now + HOUR}}


async def test_api_authority_comes_from_sub_and_the_database(sut, committed_factory, lens_settings, record_property):
    try:
        forge = forger(sut.profile.auth, lens_settings.jwt_secret)
    except HarnessError as exc:
        pytest.skip(f"blocked: {exc}")
    f, full = committed_factory, lens_settings.profile == "full"
    yacht, users = await f.crew(tuple(roles.SURFACE_ROLES.values()))
    foreign = await f.yacht()
    await claims.name_users(f.conn, [u.id for u in users.values()])
    captain = users["captain"]
    forged = claims.hostile(claims.powers(captain.id, await claims.identity(f.conn, captain.id), foreign.id,
                                          await claims.read_keys(f.conn)))
    every = forged["every forged claim"]
    stranger = User(uuid.uuid4(), yacht.id, "stranger")
    tables = await surface.yacht_tables(f.conn)
    probe = Probe(f.conn, [yacht.id, foreign.id], tables)
    labels = {str(u.id): f"user:{u.role}" for u in users.values()} | {
        str(stranger.id): "stranger", str(yacht.id): "own yacht", str(foreign.id): "foreign yacht"}
    now, own = int(time.time()), str(yacht.id)

    await _drifting_row(f, yacht)

    async def run(token, who=None, headers=None, turn=(0, 1), **reads) -> list:
        requests = _requests(sut, await _part_world(f, yacht, labels), users, each_tier=who is None, **reads)
        requests = [(label, who or user, target, body) for label, user, target, body in requests]
        if headers is None:
            return await _observe(sut, probe, requests, token)
        requests, slots = _slots(requests, len(words), *turn)
        slot = iter(slots)
        return await _observe(sut, probe, requests, lambda u: token(u, next(slot)),
                              [claims.request_headers(names, captain.id, foreign.id, words, n) for n in slots])

    runs = {"plain": await run(lambda u: forge(u))}
    lines = []
    words = [*claims.WORDS, *((*claims.MORE_WORDS, *sorted(roles.ALL_ROLES), *await values.mined_literals(f.conn)) if full else ())]
    words = [w for w in dict.fromkeys(words) if len(w) <= 40 and w.isascii() and w.isprintable()]   # header-safe
    names = [*claims.HEADERS, *_unlisted(claims.published_headers(await _published(sut)))]
    plain = {o.path: o for o in runs["plain"]}
    turns = -(-len(words) // (len(roles.ACTIONS) * 2))   # every word on some action
    for turn in range(turns):
        name = f"hostile request #{turn}"
        runs[name] = await run(lambda u, n: forge(u, **claims.merged(every, claims.keyed(words, n))), headers=names,
                               turn=(turn, turns))
        lines += authority.judge_or_refused([plain[o.path] for o in runs[name]], runs[name], labels, own,
                                            ("plain request", "forged claims, claim keys and headers at once"))
    for name, extra in forged.items() if full else [("every forged claim", every)]:
        runs[name] = await run(lambda u, extra=extra: forge(u, **extra))
        lines += authority.judge(runs["plain"], runs[name], labels, own, ("plain token", name))
    for role in ROLE_STRINGS["full" if full else "smoke"]:
        runs[f"role {role}"] = await run(lambda u, role=role: forge(u, role=role))
        lines += authority.judge_or_refused(runs["plain"], runs[f"role {role}"], labels, own,
                                            ("plain token", f"role string {role!r}"))
    everyone = tuple([await f.user(yacht, role) for role in sorted(roles.ALL_ROLES)])
    labels |= {str(u.id): f"user:{u.role}" for u in everyone}
    hostile_query = "?" + "&".join(f"{k}={foreign.id}" for k in QUERY_KEYS)
    runs["reads by every role"] = await run(lambda u: forge(u), readers=everyone)
    runs["query naming another yacht"] = await run(lambda u: forge(u), readers=everyone, query=hostile_query)
    lines += authority.judge_or_refused(runs["reads by every role"], runs["query naming another yacht"], labels, own,
                                        ("plain request", f"the same with {hostile_query}"))
    runs["stranger"] = await run(lambda u: forge(u), stranger)
    runs["stranger forged"] = await run(lambda u: forge(u, **every), stranger)
    lines += authority.judge(runs["stranger"], runs["stranger forged"], labels, own,
                             ("a stranger's sub", "a stranger's sub with forged claims"))
    # smoke: one run, the door's tokens in turn; full: one run per token
    for names in ([[n] for n in DOOR] if full else [list(DOOR)]):
        turn = itertools.cycle(names)
        runs[" / ".join(names)] = await run(lambda u, turn=turn: forge(u, **DOOR[next(turn)](now, every)),
                                            users["deckhand"])
        lines += authority.judge_or_refused(runs["stranger"], runs[" / ".join(names)], labels, own,
                                            ("a stranger's sub", " / ".join(names)))
    columns = {**await catalog.user_columns(f.conn, tables), "storage.objects": ("owner",)}
    for name, observations in runs.items():
        lines += [line for o in observations for line in all_or_nothing.judge(o)]
        if name not in ("stranger", "stranger forged"):
            lines += [line for o in observations for line in attribution.judge(o, columns, o.actor.split()[-1])]
    judged = sum(map(len, runs.values()))
    record_property("properties[api authority].judged", str(judged))
    assert not lines, f"{len(lines)} lines: {judged} requests break CONTRACT §11.4 over HTTP:\n" + "\n".join(lines[:40])
