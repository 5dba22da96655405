"""CONTRACT §11 on every path: calls generated from the catalog (harness/paths), judged by the
oracles (harness/oracles) with no per-call expectation.

One module fixture makes every observation once, inside one transaction that is rolled back
(so it also runs on a verify-only DSN): two yachts as the inventory builds them, every path as
a crew member and as a captain in world A (on own rows also in their other states, and in
two-step sequences: the caller's first call, then a call on the row it produced), the same
calls in world B (the other yacht holds a connected copy of the own graph, colliding rows),
the crew member's calls again under forged claims, without ``sub``, as a
stranger and as ``anon`` with no claims, as a user of every mined role string (and of two no
list holds) and of no tier, and the author-decision pairs.
Each test then applies one oracle and fails listing every violation, one line each.
"""
from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import dataclass, field, replace

import asyncpg
import pytest
import pytest_asyncio

from harness import roles, surface
from harness.db import as_user, claims_for
from harness.factories import Factory, run_id
from harness.oracles import (
    all_or_nothing,
    attribution,
    authority,
    containment,
    immutability,
    lifecycle,
    movements,
    noninterference,
    quantities,
    references,
)
from harness.oracles.observation import Observation
from harness.paths import bulk, catalog, claims, ranks, values, worlds
from harness.paths.probe import Probe, insert_sql, relation

from ..surface.test_surface import _side

pytestmark = pytest.mark.early  # one module fixture, the longest work unit on a remote server

#: Examples per function: smoke keeps the gate fast, full varies every parameter further.
BUDGET = {"smoke": 8, "full": 40}
ACTORS = ("deckhand", "captain")
COLLEAGUE = {"deckhand": "captain", "captain": "deckhand"}
#: A role each actor also holds active on the other yacht (a relief officer) and held here once,
#: now inactive (a rotation ended): it authorises nothing here, a signature in it included (§7: a
#: role the caller holds on that yacht; §2: inactive roles grant nothing).
ELSEWHERE = {"deckhand": "captain", "captain": "manager"}


async def hostile_claims(conn, user, colleague, foreign_yacht) -> dict[str, dict]:
    """Claims a client can forge on top of its own ``sub`` (CONTRACT §11.4): a colleague's identity
    and every authority word at its most powerful (harness/paths/claims.py), in each metadata
    object and at the top level, and another role string."""
    payload = claims.powers(colleague.id, await claims.identity(conn, colleague.id), foreign_yacht,
                            await claims.read_keys(conn))
    forged = {name: claims_for(user, **extra) for name, extra in claims.hostile(payload).items()
              if name != "every forged claim"}
    return forged | {"role string service_role": claims_for(user, role="service_role")}


@dataclass
class Runs:
    """Every observation of the module, grouped by the comparison each oracle makes."""

    labels: dict[str, str]
    own_yacht: str
    world_a: list[Observation] = field(default_factory=list)
    world_b: list[Observation] = field(default_factory=list)
    authority: list[tuple[str, list[Observation], list[Observation], dict]] = field(default_factory=list)
    decisions: list[tuple[Observation, Observation]] = field(default_factory=list)
    closed: list[tuple[str, list[Observation], list[Observation], dict]] = field(default_factory=list)
    ordered: set[str] = field(default_factory=set)  # calls whose rows' order the system defines
    callers: dict[str, str] = field(default_factory=dict)       # actor -> user id
    users: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> user-naming columns
    counts: dict = field(default_factory=dict)

    def every(self) -> list[Observation]:
        return [*self.world_a, *self.world_b, *(o for _, a, b, _ in self.authority for o in (*a, *b)),
                *(o for _, a, b, _ in self.closed for o in (*a, *b))]


async def _decisions(probe: Probe, conn, side, caller, colleague, user_columns, unique_text) -> list[tuple]:
    """Per table with user columns (and storage): the same SELECT/UPDATE/DELETE on an own row
    naming the caller and on one naming a colleague (both planted by the owner, each copy
    inside its own rolled-back observation), on the first row whose two copies the table takes.
    Every candidate goes in one batch: round trips, not calls, are the cost."""
    calls, setups, cases = [], [], []
    for table, cols in user_columns.items():
        rows = await worlds.rows_of(conn, table, side.yacht.id, limit=3)
        if table == "storage.objects":   # the inventory holds no object: one under the own prefix
            rows = [{"bucket_id": b, "name": f"{side.yacht.id}/parts/lens-author.pdf"} for b in await surface.buckets(conn)]
        rel = relation(table)
        for op, sql in (("select", f"SELECT count(*)::text FROM {rel} WHERE id = $1::uuid"),
                        ("update", f'UPDATE {rel} SET "{cols[0]}" = "{cols[0]}" WHERE id = $1::uuid'),
                        ("delete", f"DELETE FROM {rel} WHERE id = $1::uuid")) if cols else ():
            for row in rows:
                for author in (caller, colleague):
                    copy = {**row, "id": str(uuid.uuid4()), **{c: str(author) for c in cols},
                            **{c: f"lens-author-{uuid.uuid4()}" for c in unique_text.get(table, ())}}
                    who = "the caller" if author == caller else "a colleague"
                    calls.append(worlds.Call(f"{op} {table} (row naming {who})", (copy["id"],), sql, (copy["id"],), op))
                    setups.append(worlds.Call(f"copy into {table}", (), insert_sql(table, list(copy)),
                                              (json.dumps(copy),), "insert"))
                cases.append((table, op))
    observed = await probe.observe_all(calls, "caller", await probe.snapshot(), claims_for(caller), setups=setups)
    pairs, decided = [], set()
    for case, pair in zip(cases, zip(observed[::2], observed[1::2])):
        if case not in decided and None not in pair:
            pairs.append(pair)
            decided.add(case)
    return pairs


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def runs(lens_pool, lens_binding, lens_profile) -> Runs:
    async with lens_pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            yield await _run_everything(await _scene(conn, Factory(conn, binding=lens_binding)),
                                        BUDGET.get(lens_profile, 8))
        finally:
            await tx.rollback()


@dataclass
class Scene:
    """Two yachts and what the catalog says about the target, read once."""

    conn: object
    f: Factory
    own: object
    foreign: object
    tables: list
    paths: list
    users: dict
    unique_text: dict
    texts: dict
    states: dict
    literals: list
    probe: Probe
    base: dict

    async def pool(self, caller, colleague) -> values.Pool:
        """Candidate values for ``caller``: both yachts' row ids (rows naming the caller first,
        then live rows, then oldest: the first example reaches a row a call can act on), the own
        yacht's unique texts."""
        ids = {}
        for label, side in (("own", self.own), ("foreign", self.foreign)):
            ids[label] = {t: [uuid.UUID(i) for i in found if i and values.is_uuid(i)] for t, found in (
                await worlds.per_table(self.conn, self.tables, lambda t: (
                    f"SELECT to_jsonb(t) ->> 'id', row_number() OVER (ORDER BY NOT jsonb_path_exists(to_jsonb(t) - 'id', "
                    "'$.* ? (@ == $me)', jsonb_build_object('me', $2::text)), to_jsonb(t) ? 'deleted_at' AND "
                    "to_jsonb(t) ->> 'deleted_at' IS NOT NULL, to_jsonb(t) ->> 'created_at', to_jsonb(t) ->> 'id') "
                    f"FROM public.{t} t WHERE yacht_id = $1"), side.yacht.id, str(caller))).items()}
        texts = [v for found in (await worlds.per_table(self.conn, [t for t, cols in self.unique_text.items() if cols], lambda t: " UNION ALL ".join(
            f'SELECT * FROM (SELECT DISTINCT "{c}"::text, 0 FROM public.{t} WHERE yacht_id = $1 AND "{c}" IS NOT NULL) d'
            for c in self.unique_text[t]), self.own.yacht.id)).values() for v in found]
        named: dict[str, list[str]] = {}   # the texts of the row world B mirrors, per column
        mirrored = await worlds.mirrored(self.conn, self.tables, self.own.yacht.id)
        for t, row in mirrored.items():
            for c in self.texts[t]:
                named.setdefault(c, []).extend([str(row[c])] if row.get(c) is not None else [])
        objects = [[o["name"] for o in await worlds.rows_of(self.conn, "storage.objects", side.yacht.id, 3)]
                   for side in (self.own, self.foreign)]
        return values.Pool(ids["own"], ids["foreign"], self.own.yacht.id, self.foreign.yacht.id, caller, colleague,
                           sorted(texts), self.literals, named_texts=named, elsewhere_role=ELSEWHERE.get(
                               next((u.role for u in self.own.users.values() if u.id == caller), None)), caller_role=next(
                               (u.role for u in self.own.users.values() if u.id == caller), None),
                           objects=objects[0], foreign_objects=objects[1],
                           mirrored={t: uuid.UUID(str(r["id"])) for t, r in mirrored.items() if values.is_uuid(str(r.get("id")))})

    async def calls(self, pool: values.Pool, budget: int):
        return [*await worlds.calls_for(self.conn, self.paths, pool, budget, self.users, self.unique_text,
                                              self.states),
                *await bulk.calls(self.conn, self.paths, pool, self.users, self.unique_text)]


async def _scene(conn, f: Factory) -> Scene:
    own, foreign = await _side(f), await _side(f)
    await claims.name_users(conn, [u.id for u in own.users.values()])
    for side in (own, foreign):   # an object of each yacht in each bucket: names a call can move or read
        await conn.executemany("INSERT INTO storage.objects (bucket_id, name, owner) VALUES ($1, $2, $3)",
                               [(b, f"{side.yacht.id}/parts/lens-object.pdf", side.users["deckhand"].id)
                                for b in await surface.buckets(conn)])
    await _booked_by_each_actor(conn, f, own)
    await _transferred(conn, f, own)
    await conn.executemany("INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active) VALUES ($1, $2, $3, $4)",
                           [(own.users[actor].id, yacht, ELSEWHERE[actor], yacht == foreign.yacht.id)
                            for actor in ACTORS for yacht in (foreign.yacht.id, own.yacht.id)])
    tables = await surface.yacht_tables(conn)
    users = {**await catalog.user_columns(conn, tables), "storage.objects": ("owner",)}
    probe = Probe(conn, [own.yacht.id, foreign.yacht.id], tables)
    return Scene(conn, f, own, foreign, tables, await catalog.discover(conn), users,
                 await catalog.unique_text_columns(conn, tables), await catalog.text_columns(conn, tables),
                 await catalog.state_changes(conn, tables), await values.mined_literals(conn), probe,
                 await probe.snapshot())


async def _booked_by_each_actor(conn, f: Factory, own) -> None:
    """A consumption each actor booked itself (§6, through the binding, as that user): a row a
    call may act on *because* the caller wrote it ("undo my own entry") is then within reach."""
    for actor in ACTORS:
        async with as_user(conn, own.users[actor], commit=True):
            booked = await f.binding.deduct(conn, own.ship.stock.id, 1, yacht_id=own.yacht.id)
        assert booked.success, f"the inventory's own consumption by {actor} was refused: {booked}"


async def _transferred(conn, f: Factory, own) -> None:
    """A transfer the captain booked (both legs in one transaction, §6): rows that only
    balance together, which the multi-row inserts (harness/paths/bulk.py) copy as a group."""
    ship, group = own.ship, uuid.uuid4()
    there = await f.stock(ship.part, await f.location(ship.yacht))
    legs = {"transfer_group_id": group, "from_location_id": ship.here.id, "to_location_id": there.location_id}
    async with as_user(conn, own.users["captain"], commit=True):
        out = await f.binding.deduct(conn, ship.stock.id, 1, yacht_id=ship.yacht.id, movement="transferred_out", **legs)
        into = await f.binding.add(conn, there.id, 1, yacht_id=ship.yacht.id, movement="transferred_in", **legs)
    assert out.success and into.success, f"the inventory's own transfer was refused: {out} {into}"


async def _run_everything(s: Scene, budget: int) -> Runs:
    own, probe = s.own, s.probe
    runs = Runs(worlds.labels(s.base, own.yacht.id, s.foreign.yacht.id), str(own.yacht.id), users=s.users)
    per_actor = {}
    for actor in ACTORS:
        me = own.users[actor]
        pool = await s.pool(me.id, own.users[COLLEAGUE[actor]].id)
        per_actor[actor] = await s.calls(pool, budget)
        runs.callers[actor] = str(me.id)
        observed = await probe.observe_all(per_actor[actor], actor, s.base, claims_for(me))
        two_steps = worlds.second_steps(per_actor[actor], observed, pool, s.paths)
        per_actor[actor] += two_steps
        runs.world_a += observed + await probe.observe_all(two_steps, actor, s.base, claims_for(me))
    world = s.conn.transaction()
    await world.start()
    try:
        planted = await worlds.plant(s.conn, s.foreign.yacht.id, s.tables, s.unique_text, own.yacht.id,
                                     worlds.prefixes(s.paths))
        await ranks.plant(s.conn, s.foreign.yacht.id, s.tables, own.yacht.id)
        base_b = await probe.snapshot()
        for actor in ACTORS:
            runs.world_b += await probe.observe_all(per_actor[actor], actor, base_b, claims_for(own.users[actor]))
    finally:
        await world.rollback()
    staged = [(a, b) for a, b in zip(runs.world_a, runs.world_b) if a and b]   # a state the tables refuse: no call
    runs.world_a, runs.world_b = [a for a, _ in staged], [b for _, b in staged]
    ordering = await noninterference.ordering_functions(s.conn)
    runs.ordered = {p.label() for p in s.paths if p.kind == "function" and p.name in ordering}
    await _authority(runs, s, per_actor["deckhand"])
    for actor in ACTORS:
        runs.decisions += await _decisions(probe, s.conn, own, own.users[actor].id, own.users[COLLEAGUE[actor]].id,
                                           s.users, s.unique_text)
    functions = [p for p in s.paths if p.kind == "function"]
    runs.counts = {"paths": {k: sum(p.kind == k for p in s.paths)
                             for k in ("read", "insert", "update", "delete", "function", "storage")},
                   "examples per function": {p.label(): len(values.examples(p, pool, budget)) for p in functions},
                   "world B planted": planted, "mined literals": len(s.literals), "calls": probe.calls,
                   "role strings": len([a for a in runs.authority if a[0].startswith("no tier")])}
    return runs


async def _authority(runs: Runs, s: Scene, calls) -> None:
    """The crew member's calls (one example per path) under forged claims, without sub and as
    ``anon`` against a stranger, and as every mined role string against a user of no tier."""
    me, probe = s.own.users["deckhand"], s.probe
    first = _first_examples(calls)
    plain = await probe.observe_all(first, "deckhand", s.base, claims_for(me))
    for name, forged in (await hostile_claims(s.conn, me, s.own.users["captain"], s.foreign.yacht.id)).items():
        runs.authority.append((f"plain claims | {name}", plain,
                               await probe.observe_all(first, f"deckhand ({name})", s.base, forged),
                               {str(me.id): "caller"}))
    stranger = uuid.uuid4()
    no_sub = {k: v for k, v in claims_for(me).items() if k != "sub"}
    runs.authority.append(("a stranger's sub | claims without sub",
                           await probe.observe_all(first, "stranger", s.base, claims_for(stranger)),
                           await probe.observe_all(first, "no sub", s.base, no_sub), {str(stranger): "caller"}))
    closed = await _anon_reads(s, first)
    runs.closed.append(("a stranger's sub | anon (no claims)",
                        await probe.observe_all(closed, "stranger", s.base, claims_for(stranger)),
                        await probe.observe_all(closed, "anon (no claims)", s.base, None, "anon"),
                        {str(stranger): "caller"}))
    guest = s.own.users["guest"]
    users = {}
    for role in values.role_strings(await values.literal_sources(s.conn), roles.ALL_ROLES | roles.UNLISTED_ROLES,
                                    run_id()):
        try:
            async with s.conn.transaction():
                users[role] = await s.f.user(s.own.yacht, role)
        except asyncpg.PostgresError:   # the schema refuses the role string: it holds no tier
            continue
    before = await probe.snapshot()

    async def as_user(who, actor):
        mine = _first_examples(await s.calls(await s.pool(who.id, s.own.users["captain"].id), 1))
        return await probe.observe_all(mine, actor, before, claims_for(who))
    as_guest = await as_user(guest, "guest")
    for role, user in users.items():
        runs.authority.append((f"no tier (guest) | role string {role!r}", as_guest, await as_user(user, f"role {role!r}"),
                               {str(guest.id): "caller", str(user.id): "caller"}))


async def _anon_reads(s: Scene, first) -> list:
    """``first`` with each read over only the columns ``anon`` may read (all when none: refused)."""
    out = []
    for c in first:
        name = c.path.removeprefix("read ")
        columns = await catalog.readable_columns(s.conn, name, "anon") if c.kind == "read" else []
        out.append(replace(c, sql=worlds.columns_read_sql(name, columns)) if columns else c)
    return out


def _first_examples(calls):
    """Each path's first call (a function's first example, a table's first insert, update and
    delete), every read and storage call: the authority oracle's probe set.  Authority asks
    whether a caller may act at all; the variations of a path are the other oracles' business
    (and would multiply the sequences' cost by every forged claim and role string)."""
    seen, out = set(), []
    for c in calls:
        path = c.path.split(".")[0] if c.kind == "update" else c.path
        if c.kind == "read" or c.path.startswith("storage ") or path not in seen:
            out.append(c)
            seen.add(path)
    return out


def _report(runs: Runs, oracle: str, judged: int, lines: list[str], artifacts, record_property) -> None:
    record_property(f"properties[{oracle}].judged", str(judged))
    record_property(f"properties[{oracle}].violations", str(len(lines)))
    _merge(artifacts / "properties.json", runs.counts, oracle, {"judged": judged, "violations": len(lines)})
    assert not lines, f"{len(lines)} of {judged} judged calls break CONTRACT §11 ({oracle}):\n" + "\n".join(lines[:40])


def _merge(path, counts: dict, oracle: str, entry: dict) -> None:
    """Add one oracle's counts to the evidence file.  xdist workers may judge this module's tests
    at once: a lock on the folder serialises the read-modify-write (no lost oracle, no lock file
    left in the evidence) and the replace is atomic (a reader never sees half a file)."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else {**counts}
        data.setdefault("oracles", {})[oracle] = entry
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, default=str))
        os.replace(tmp, path)
    finally:
        os.close(folder)   # and the lock with it


def test_non_interference(runs, lens_artifacts, record_property):
    """§11.1: every call of a crew member and a captain observes the same in world A and in world
    B (the other yacht holds rows with the ids and text the calls use)."""
    lines = noninterference.judge(runs.world_a, runs.world_b, runs.labels, runs.own_yacht,
                                  lambda obs: obs.path in runs.ordered)
    _report(runs, "non-interference", len(runs.world_a), lines, lens_artifacts, record_property)


def test_no_row_references_another_yacht(runs, lens_artifacts, record_property):
    """§11.1: no row a call wrote holds the id of another yacht's row (each reference column of
    each insert path was offered the other yacht's row in world B), and no object it wrote lies
    under another yacht's prefix."""
    obs = runs.every()
    _report(runs, "references", len(obs), [l for o in obs for l in references.judge(o, runs.own_yacht)], lens_artifacts,
            record_property)


def test_no_call_writes_another_yacht(runs, lens_artifacts, record_property):
    """§11.1: no call added, changed or removed a row of another yacht, or an object under its
    prefix (world B's other yacht holds colliding, connected rows a cross-tenant write meets)."""
    obs = runs.every()
    _report(runs, "containment", len(obs), [l for o in obs for l in containment.judge(o, runs.own_yacht)],
            lens_artifacts, record_property)


def test_trail_is_immutable(runs, lens_artifacts, record_property):
    """§11.2: no generated call changed or removed an existing ledger or audit row."""
    obs = runs.every()
    _report(runs, "immutability", len(obs), [l for o in obs for l in immutability.judge(o)], lens_artifacts,
            record_property)


def test_every_call_is_all_or_nothing(runs, lens_artifacts, record_property):
    """§11.3: a refused call left nothing; transfer groups pair; no drift appeared."""
    obs = runs.every()
    _report(runs, "all-or-nothing", len(obs), [l for o in obs for l in all_or_nothing.judge(o)], lens_artifacts,
            record_property)


def test_rows_name_the_caller(runs, lens_artifacts, record_property):
    """§11.5: user-naming columns of written rows are the caller (a colleague's id was offered in
    each), and no operation decides on a row's author."""
    obs = [*runs.world_a, *runs.world_b]
    lines = [l for o in obs for l in attribution.judge(o, runs.users, runs.callers[o.actor])]
    lines += [l for a, b in runs.decisions for l in attribution.judge_decision(a, b)]
    _report(runs, "attribution", len(obs) + len(runs.decisions), lines, lens_artifacts, record_property)


def test_movements_carry_their_tier_and_signature(runs, lens_artifacts, record_property):
    """§5/§7: every ledger row a crew member's or a captain's call booked is of a type their role
    may book and, where §7 always signs it, carries a signature naming them — whichever path
    booked it (a definer RPC a later migration adds is judged by the row it wrote)."""
    obs = [*runs.world_a, *runs.world_b]
    lines = [l for o in obs for l in movements.judge(o, o.actor, runs.callers[o.actor])]
    _report(runs, "movements", len(obs), lines, lens_artifacts, record_property)


def test_deactivation_leaves_its_signed_action(runs, lens_artifacts, record_property):
    """§11.6: a part's or stock row's deleted_at set or cleared by any call comes with the signed
    audit row of deactivate_part / reactivate_part (the action's tier: the movements oracle)."""
    obs = [*runs.world_a, *runs.world_b]
    lines = [l for o in obs for l in lifecycle.judge(o, runs.callers[o.actor])]
    _report(runs, "lifecycle", len(obs), lines, lens_artifacts, record_property)


def test_booked_rows_keep_their_sign_and_move_the_stock(runs, lens_artifacts, record_property):
    """§4: every ledger row any call booked (every actor, world, claim set, path) has its type's
    sign, a non-zero change, consistent before/after, and moved its stock by exactly that much —
    each type was tried with each sign on the direct inserts and the functions (paths/signs.py)."""
    obs = runs.every()
    _report(runs, "quantities", len(obs), [l for o in obs for l in quantities.judge(o)], lens_artifacts,
            record_property)


def test_authority_comes_from_the_database(runs, lens_artifacts, record_property):
    """§11.4: forged claims change nothing, no sub is a stranger, ``anon`` observes and changes
    no more than a stranger, a role string outside §2 (mined or never seen) is no tier."""
    lines, judged = [], 0
    for what, left, right, extra in runs.authority:
        lines += authority.judge(left, right, runs.labels | extra, runs.own_yacht, tuple(what.split(" | ")))
        judged += len(right)
    for what, stranger, anon, extra in runs.closed:   # refused outright, or no more than a stranger
        lines += authority.judge_or_refused(stranger, anon, runs.labels | extra, runs.own_yacht, tuple(what.split(" | ")))
        judged += len(anon)
    _report(runs, "authority", judged, lines, lens_artifacts, record_property)
