"""Argument values for any function, from its parameter types and the database's own contents.

A function nobody listed has no hand-written argument set.  Its arguments come from the type
of each parameter plus values mined from the target: the own yacht's and the other yacht's row
ids (the parameter's name, e.g. ``p_stock_id``, ranks the matching table's ids first), the
caller and a colleague, a *phantom* id per table (unknown in world A, another yacht's row in
world B), every string literal of the function bodies, policies and CHECK constraints (role
names, transaction types, statuses), the collision literal world B plants, boundary numbers and
NULL.  A jsonb parameter whose function reads keys out of it gets objects of those keys (values
by key name: ids, quantities, texts) and, when the body walks an array, batches: one valid
element, then one made invalid (a phantom id, another yacht's id, a negative quantity).

Examples are enumerated, not drawn: the first is the best guess for every parameter, then each
parameter is varied alone over its candidates (one at a time, as red team round 3, 30 showed
is needed), round-robin so a small budget still varies every parameter.  Then *pairs*: a
defect behind two conditions (red team round 5, 12: an own object name and another yacht's
path; 50: one transaction type and another yacht's id inside ``p_details``) is never met one
at a time.  The factors are the parameters and, for a jsonb parameter, each key the body
reads; every example keeps the best guess everywhere but two factors, one set to a value that
opens a branch (a literal the body compares it with, an own object name) and one to a value of
the other yacht (a phantom or foreign id, a path under another yacht's prefix): the rest stays
valid, so an early refusal does not hide the pair.  Pairs whose two words stand close in the
body come first (the branch a literal opens uses the other factor there), so the smoke budget
reaches them; a full-profile budget also gets the whole 2-way covering array (allpairspy)
over every factor's candidates.  Deterministic on purpose: a mutant only a lucky draw catches
starts to survive when the draw changes (docs/MUTANTS.md), which is why Hypothesis does not fit
here.
"""
from __future__ import annotations

import itertools
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
from allpairspy import AllPairs

from harness import roles as role_model
from harness.paths.catalog import Path, aliases

#: The value world B's other yacht holds in every unique text column (names, part numbers,
#: idempotency keys): a caller using it collides only if a unique rule forgets the yacht.
COLLIDE = "lens-collide"
BOUNDARY_INTS = ("1", "0", "-1", "2", str(2**31 - 1), None)
LITERAL = re.compile(r"'((?:[^']|'')*)'")
PLAIN = re.compile(r"^[A-Za-z0-9_.:-]{2,40}$")
ROLE_LIKE = re.compile(r"^[a-z][a-z_]{2,30}$")
#: Role strings nobody mined: a helper that counts "any role but guest" as crew lets them in.
PLAUSIBLE_ROLES = ("owner_representative", "contractor", "charter_guest", "shore_manager", "yard_engineer")
QUANTITY = re.compile(r"qty|quantit|amount|count|number_of")
SIGNATURE = re.compile(r"signature$")
SIGNING = re.compile(r"signature$|signed_by$")
#: A key factor's value that leaves the key out of its object.
OMIT = "<omitted>"
#: A budget this large (the full profile's) also gets the whole covering array.
FULL_BUDGET = 40
#: Candidates per factor in the covering array (its size grows with their product).
COVERING_WIDTH = 8


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
        return True
    except ValueError:
        return False


def phantom_id(table: str, salt: uuid.UUID) -> uuid.UUID:
    """The id world B gives the other yacht's copy of a row of ``table`` (salted with the own
    yacht's id: concurrent tests never plant the same id)."""
    return uuid.uuid5(salt, f"lens-harness/phantom/{table}")


async def literal_sources(conn: asyncpg.Connection) -> list[set[str]]:
    """The plain string literals of each public function body, row-level policy and CHECK
    constraint: the vocabulary the target itself decides on."""
    texts = await conn.fetch(
        "SELECT p.prosrc AS t FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
        "UNION ALL SELECT coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_policies "
        "WHERE schemaname IN ('public', 'storage') "
        "UNION ALL SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_namespace n "
        "ON n.oid = k.connamespace WHERE k.contype = 'c' AND n.nspname = 'public'")
    return [{m.replace("''", "'") for m in LITERAL.findall(r["t"] or "") if PLAIN.match(m)} for r in texts]


async def insert_policy_variations(conn: asyncpg.Connection, table: str, fixed: str) -> list[tuple[str, str]]:
    """(column, value) pairs that could open a permissive INSERT policy of ``table`` other than
    by ``fixed``: each text column the client may write that a policy reads, with each literal of
    that policy and of the public functions it calls.  Only a permissive policy can admit a row
    (triggers and CHECKs only refuse), so a rule tried with these, one at a time, is tried with
    every other column varied where it could matter (red team round 4, 15: crew admitted to
    ``adjusted`` when ``reference_type = 'stocktake'``)."""
    rows = await conn.fetch(
        "SELECT coalesce(p.with_check, p.qual) AS expr, (SELECT array_agg(a.attname::text) FROM pg_attribute a "
        "  WHERE a.attrelid = format('public.%I', p.tablename)::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "  AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) AND a.attname <> $2 "
        "  AND has_column_privilege('authenticated', a.attrelid, a.attname, 'INSERT') "
        "  AND coalesce(p.with_check, p.qual) ~ ('\\m' || a.attname || '\\M')) AS columns, "
        " (SELECT string_agg(f.prosrc, ' ') FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace "
        "  WHERE n.nspname = 'public' AND coalesce(p.with_check, p.qual) ~ ('\\m' || f.proname || '\\s*\\(')) AS bodies "
        "FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = $1 AND p.cmd IN ('INSERT', 'ALL') "
        "AND p.permissive = 'PERMISSIVE' ORDER BY p.policyname", table, fixed)
    pairs = {(c, m.replace("''", "'")) for r in rows for c in r["columns"] or ()
             for m in LITERAL.findall(f"{r['expr']} {r['bodies'] or ''}") if PLAIN.match(m.replace("''", "'"))}
    return sorted(pairs)


async def mined_literals(conn: asyncpg.Connection) -> list[str]:
    return sorted(set().union(*await literal_sources(conn)))


def role_strings(sources: list[set[str]], contract_roles, seed: str) -> list[str]:
    """Role-like literals that share a body, policy or constraint with a CONTRACT §2 role name
    (a role list) and are not one of §2's, plus two names no list holds (a plausible one and a
    random one, drawn from ``seed``: another each run, the same when a run is repeated): each must be a role of no tier, whatever
    its name — a deny-list helper passes every string it mentions."""
    found = {v for lits in sources if lits & set(contract_roles) for v in lits if ROLE_LIKE.match(v)}
    draw = random.Random(seed)
    found |= {draw.choice(PLAUSIBLE_ROLES), "".join(draw.choices("abcdefghijklmnopqrstuvwxyz", k=10))}
    return sorted((found | near_misses(contract_roles, draw)) - set(contract_roles))


def near_misses(contract_roles, draw: random.Random) -> set[str]:
    """Names that only look like §2's: a member of each tier's family (``<role>_<suffix>``: a
    helper that matches a prefix or a pattern grants it the tier) and one more spelling of a
    role drawn each run (its first word, upper case, an ``acting_`` title)."""
    tiers = [sorted(r for r in role_model.TIER_ROLES[t] if r in contract_roles) for t in sorted(role_model.TIER_ROLES) if t]
    out = {f"{draw.choice(t)}_{''.join(draw.choices('abcdefghijklmnopqrstuvwxyz', k=3))}" for t in tiers if t}
    named = draw.choice(sorted(contract_roles))
    return out | {draw.choice([named.split("_")[0], named.upper(), f"acting_{named}"])}


@dataclass
class Pool:
    """Candidate values by kind, gathered once per test from the two yachts."""

    own: dict[str, list[uuid.UUID]]        # table -> own-yacht row ids
    foreign: dict[str, list[uuid.UUID]]    # table -> other-yacht row ids
    own_yacht: uuid.UUID
    foreign_yacht: uuid.UUID
    caller: uuid.UUID
    colleague: uuid.UUID
    own_texts: list[str]                   # names, part numbers, keys of the own yacht
    literals: list[str]
    extra: dict = field(default_factory=dict)
    named_texts: dict[str, list[str]] = field(default_factory=dict)   # column -> own values, first row first
    caller_role: str | None = None         # the caller's role on the own yacht (its signatures)
    elsewhere_role: str | None = None      # a role the caller holds on the other yacht (here: inactive)
    objects: list[str] = field(default_factory=list)           # own storage object names
    mirrored: dict[str, uuid.UUID] = field(default_factory=dict)   # table -> the own row world B mirrors
    foreign_objects: list[str] = field(default_factory=list)   # the other yacht's
    now: str = field(default_factory=lambda: datetime.now(UTC).isoformat())   # when its signatures are made

    def signature(self, role: str | None = None) -> dict:
        """A CONTRACT §7 signature of the caller, valid now: the best guess for a signature, so a
        branch behind a signed type is reached (``role``: signed in another role than the
        caller's here, which makes it invalid)."""
        return {"user_id": str(self.caller), "role_at_signing": role or self.caller_role or "", "signature_type": "approval",
                "reason": "lens-harness", "signed_at": self.now}

    def paths(self) -> list[str]:
        """Object names: the own yacht's, then one moved under the other yacht's prefix (folders
        kept, a file name that yacht does not hold), then the other yacht's own objects."""
        moved = [f"{self.foreign_yacht}/{folder}{'/' if folder else ''}{COLLIDE}-{file}" for n in self.objects
                 if "/" in n for folder, file in [n.split("/", 1)[1].rpartition("/")[::2]]]
        return [*self.objects[:1], *moved[:1], *self.foreign_objects[:1], *self.objects[1:3]]

    def crossing(self) -> set[str]:
        """Values of the other yacht: its id and row ids, the phantom ids, paths under its prefix,
        a signature in a role the caller holds only there."""
        ids = [*(i for rows in self.foreign.values() for i in rows), *(phantom_id(t, self.own_yacht) for t in self.own)]
        signed = [self.signature(self.elsewhere_role)] if self.elsewhere_role else []
        return {str(v).lower() for v in (*ids, self.foreign_yacht, *signed)} | {
            p for p in self.paths() if p.startswith(str(self.foreign_yacht))}

    def ids(self, name: str) -> list:
        hinted = [t for t in self.own if _stem(t) and _stem(t) in name]
        if "yacht" in name:
            return [self.own_yacht, self.foreign_yacht, None]
        if "user" in name or name.endswith("_by") or "signer" in name:
            return [self.caller, self.colleague, None]
        order = hinted + [t for t in self.own if t not in hinted]
        first = [i for t in order for i in self.own[t][:1]]
        # the phantom first among the variations: it is what non-interference compares (nothing
        # in world A, the other yacht's row in world B), so the smallest budget reaches it
        return [*first[:1], *[phantom_id(t, self.own_yacht) for t in hinted[:1] or order[:1]], None,
                *[i for t in hinted for i in self.foreign.get(t, [])[:1]],
                *[i for t in hinted[:1] for i in self.own[t][1:3]], self.colleague, *first[1:4], self.own_yacht]

    def table_named(self, column: str) -> str | None:
        """The per-yacht table a ``*_id`` column's name points at (``to_location_id`` ->
        ``pms_part_locations``), if one."""
        stem = column.lower().removesuffix("_id")
        return next((t for t in self.own if column.lower().endswith("_id") and _stem(t) and _stem(t) in stem), None)

    def texts(self, name: str) -> list:
        """The own value of the column the parameter is named after (``p_part_number``: a part
        number the own yacht holds, and world B's mirror of that row holds too) first, then the
        own unique texts, the collision literal, NULL, the mined literals, and the empty string
        (a search pattern that matches every row)."""
        named = self.named_texts.get(name.removeprefix("p_"), [])
        return [*named[:1], *self.own_texts[:1], COLLIDE, None, *self.own_texts[1:3], *self.literals, MATCH_ALL]

    def jsons(self, keys: tuple[str, ...] = (), array: bool = False, own_keys: tuple[str, ...] | None = None,
              signed: bool = False) -> list:
        """A jsonb parameter's candidates: an object of ``keys`` (a batch of them when ``array``),
        then each made invalid one key at a time, then shapes with no keys; a ``signed``
        parameter (its name says it is a signature) is first the caller's §7 signature."""
        others = {"user_id": str(self.colleague), "signed_by": str(self.colleague), "created_by": str(self.colleague),
                  "used_by": str(self.colleague), "owner": str(self.colleague)}
        plain = ["{}", None, json.dumps({**others, "idempotency_key": COLLIDE}), json.dumps({"yacht_id": str(self.foreign_yacht)})]
        first = [json.dumps(self.signature())] if signed else []
        if not keys:
            return first + plain
        valid = self.element(keys, 1, own_keys)
        spoilt = [{**valid, **bad, **{k: f"lens-{k}-2" for k in keys if isinstance(valid.get(k), str) and k.endswith("key")}}
                  for bad in self.spoilers(keys)]
        shapes = [[valid], *([valid, s] for s in spoilt)] if array else [valid, *spoilt]
        return first + [json.dumps(v) for v in shapes] + plain

    def element(self, keys: tuple[str, ...], n: int, own_keys: tuple[str, ...] | None = None) -> dict:
        """An object of ``keys``, each the best guess its name suggests.  Keys only a callee reads
        (not in ``own_keys``, when given) are left out, but for the signing ones: a wrapper's
        optional details (a ``reverses_transaction_id`` on a receipt) would refuse its best
        guess, while the caller's own valid signature is accepted on any call (§7)."""
        out = {}
        for k in keys:
            name = k.lower()
            if own_keys is not None and k not in own_keys and not SIGNING.search(name):
                continue
            if SIGNATURE.search(name):
                out[k] = self.signature()
            elif "yacht" in name or name.endswith(("id", "_by")) or "user" in name:
                out[k] = str(self.ids(name)[0])
            elif QUANTITY.search(name):
                out[k] = 1
            else:
                out[k] = f"lens-{k}-{n}"
        return out

    def spoilers(self, keys: tuple[str, ...]) -> list[dict]:
        """One key at a time made invalid: a phantom id, the other yacht's id, a negative quantity."""
        ids = [k for k in keys if k.lower().endswith("id") and "yacht" not in k.lower()]
        out = [{k: str(v)} for k in ids[:1] for v in self.ids(k.lower())[2:4] if v is not None]
        return out + [{k: -1} for k in keys if QUANTITY.search(k.lower())][:1]


def _stem(table: str) -> str:
    """``pms_inventory_stock`` -> ``stock``: the word a parameter name would use."""
    word = table.rsplit("_", 1)[-1]
    return {"transactions": "transaction", "locations": "location", "parts": "part", "items": "item",
            "log": "audit", "registry": "yacht"}.get(word, word)


def candidates(pool: Pool, name: str, type_: str, path: Path | None = None) -> list:
    """Text forms of the values a parameter can take (NULL as None), best guess first."""
    t = type_.lower()
    if t == "uuid":
        values = pool.ids(name.lower())
    elif t in ("integer", "bigint", "smallint", "numeric", "real", "double precision"):
        values = list(BOUNDARY_INTS)
    elif t in ("text", "character varying", "name", "citext"):
        decided = path.arg_literals[path.arg_names.index(name)] if path and path.arg_literals else ()
        values = [*decided, *(pool.paths() if path and touches_storage(path) else ()), *pool.texts(name.lower())]
    elif t == "boolean":
        values = ["true", "false", None]
    elif t in ("jsonb", "json"):
        values = (pool.jsons(path.json_keys, path.json_array, path.own_keys, bool(SIGNATURE.search(name.lower())))
                  if path else pool.jsons())
    elif t.startswith("timestamp") or t == "date":
        values = ["now", "-infinity", None]
    elif t == "interval":   # a retention or window argument: nothing old enough, everything, NULL
        values = ["1 day", "0 seconds", "-1 year", None]
    elif t.endswith("[]"):  # an array of the element's best guesses, then empty
        inner = [v for v in candidates(pool, name, t[:-2], path) if v is not None][:2]
        values = ["{" + ",".join(json.dumps(v) for v in inner) + "}", "{}", None]
    else:
        values = [None]
    seen, out = set(), []
    for v in values:
        key = None if v is None else str(v)
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def touches_storage(path: Path) -> bool:
    """Whether the function (or one it calls) reads or writes storage objects: its text
    parameters are then tried with object names and paths."""
    return "storage." in path.body


def examples(path: Path, pool: Pool, budget: int) -> list[tuple]:
    """The best guess, then each parameter varied alone (``budget`` in all), then up to
    ``budget`` pairs (module docstring), then, for a full-profile budget, the rows of the 2-way
    covering array over every factor that are not already there."""
    options = [candidates(pool, n, t, path) for n, t in zip(path.arg_names, path.arg_types)]
    first = tuple(o[0] for o in options)
    out, depth = [first], 1
    while len(out) < budget and any(depth < len(o) for o in options):
        for i, o in enumerate(options):
            if depth < len(o) and len(out) < budget:
                out.append(first[:i] + (o[depth],) + first[i + 1:])
        depth += 1
    if budget <= 1:
        return out
    found = factors(path, pool)
    rows = pairs(found, path.body, pool)[:budget]
    if budget >= FULL_BUDGET and len(found) > 1:
        covering = AllPairs([list(range(min(len(f.values), COVERING_WIDTH))) for f in found])
        rows += [tuple(f.values[n] for f, n in zip(found, r)) for r in covering]
    return list(dict.fromkeys([*out, *(assemble(path, found, r) for r in rows)]))


@dataclass(frozen=True)
class Factor:
    """A parameter, or a key of a jsonb parameter (``key``), with its candidates (best first)."""

    param: int
    name: str               # the parameter's name, or the key
    key: bool
    values: list
    decided: tuple = ()     # literals the body compares it with


def factors(path: Path, pool: Pool) -> list[Factor]:
    """Every parameter of ``path``; a jsonb parameter whose body reads keys is one factor per key:
    its best guess (left out when only a callee reads it), the literals it is compared with,
    the candidates its name suggests (ids of both yachts and phantoms, a quantity's edges, the
    caller's signature), JSON null and the key left out."""
    out = []
    for i, (name, type_) in enumerate(zip(path.arg_names, path.arg_types)):
        if type_ not in ("jsonb", "json") or not path.json_keys:
            decided = path.arg_literals[i] if path.arg_literals else ()
            out.append(Factor(i, name, False, candidates(pool, name, type_, path), decided))
            continue
        best = pool.element(path.json_keys, 1, path.own_keys)
        for k, decided in itertools.zip_longest(path.json_keys, path.key_literals, fillvalue=()):
            lower = k.lower()
            if SIGNATURE.search(lower):   # and signed in a role the caller holds only on another yacht
                named = [pool.signature(), *([pool.signature(pool.elsewhere_role)] if pool.elsewhere_role else [])]
            elif "yacht" in lower or lower.endswith(("id", "_by")) or "user" in lower:
                named = [str(v) for v in pool.ids(lower) if v is not None]
            elif QUANTITY.search(lower):
                named = [1, 2, 0, -1]
            else:
                named = [f"lens-{k}-1", *(pool.paths() if touches_storage(path) else ()), COLLIDE]
            values = [best.get(k, OMIT), *decided, *named, None, OMIT]
            out.append(Factor(i, k, True, list({json.dumps(v): v for v in values}.values()), tuple(decided)))
    return out


#: A free-text parameter's values that meet the other yacht's rows (a search box: world B's
#: copies hold the collision literal, and an empty pattern matches everything): paired with the
#: other yacht's values like a literal that opens a branch (red team round 7, 02).
MATCH_ALL = ""
FREE_TEXT_REACH = (COLLIDE, MATCH_ALL)


def pairs(found: list[Factor], body: str, pool: Pool) -> list[tuple]:
    """Rows at the best guess but for two factors: first one opening a branch (a literal it is
    compared with, an own object name; for a free-text parameter, ``FREE_TEXT_REACH``) with the
    other set to a value of the other yacht, then
    two branch values, then two values of the other yacht; within each, the pairs whose words
    stand closest in ``body`` first."""
    crossing, own = pool.crossing(), set(pool.objects)
    reach = [[v for v in f.values[1:] if v in f.decided or isinstance(v, str) and v in own
              or not f.decided and v in FREE_TEXT_REACH] for f in found]
    cross = [[v for v in f.values[1:] if str(v).lower() in crossing] for f in found]
    words = [_positions(body, f) for f in found]

    def at(i: int, value) -> list[int]:
        return _literal_positions(body, value) if value in reach[i] else words[i]
    best, ranked = tuple(f.values[0] for f in found), []
    for kind, (left, right) in enumerate(((reach, cross), (reach, reach), (cross, cross))):
        for i, j in itertools.permutations(range(len(found)), 2):
            if kind and i > j:   # two of a kind: each pair of factors once
                continue
            for a, b in itertools.product(left[i], right[j]):
                near = min((abs(p - q) for p in at(i, a) for q in at(j, b)), default=10**9)
                row = list(best)
                row[i], row[j] = a, b
                ranked.append((kind, near, len(ranked), tuple(row)))
    return [row for *_, row in sorted(ranked)]


def _positions(body: str, f: Factor) -> list[int]:
    words = aliases(f.name, body, key=f.key) | {f.name}
    return [m.start() for w in words for m in re.finditer(rf"\b{re.escape(w)}\b", body or "")]


def _literal_positions(body: str, value) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(f"'{value}'"), body or "")]


def assemble(path: Path, found: list[Factor], row: tuple) -> tuple:
    """The argument tuple (text or None) of a row of factor values: keys gathered into their
    jsonb parameter's object (a batch of the valid element and this one, when it walks one)."""
    args: list = [None] * len(path.arg_names)
    objects: dict[int, dict] = {}
    for f, v in zip(found, row):
        if not f.key:
            args[f.param] = v
        else:
            objects.setdefault(f.param, {}).update({} if v == OMIT else {f.name: v})
    for i, obj in objects.items():
        valid = {f.name: f.values[0] for f in found if f.param == i and f.values[0] != OMIT}
        args[i] = json.dumps(([valid] if obj == valid else [valid, obj]) if path.json_array else obj)
    return tuple(args)


def update_values(pool: Pool, column: str, type_: str, user_columns: tuple, n: int) -> list:
    """What an UPDATE of an own row sets ``column`` to, alone: a colleague in a user-naming
    column, the other yacht in ``yacht_id``, else the column's candidates past the best guess
    (another yacht's or a phantom id, the collision text, boundary numbers), at most ``n``."""
    if column in user_columns:
        return [str(pool.colleague)]
    if column == "yacht_id":
        return [str(pool.foreign_yacht)]
    return [v for v in candidates(pool, column, type_)[1:] if v is not None][:n]
