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
is needed), round-robin so a small budget still varies every parameter.  Deterministic on
purpose: a mutant only a lucky draw catches starts to survive when the draw changes
(docs/MUTANTS.md), which is why Hypothesis does not fit here.
"""
from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass, field

import asyncpg

from harness.paths.catalog import Path

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
    return sorted(found - set(contract_roles))


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
        own unique texts, the collision literal, NULL, the mined literals."""
        named = self.named_texts.get(name.removeprefix("p_"), [])
        return [*named[:1], *self.own_texts[:1], COLLIDE, None, *self.own_texts[1:3], *self.literals]

    def jsons(self, keys: tuple[str, ...] = (), array: bool = False) -> list:
        others = {"user_id": str(self.colleague), "signed_by": str(self.colleague), "created_by": str(self.colleague),
                  "used_by": str(self.colleague), "owner": str(self.colleague)}
        plain = ["{}", None, json.dumps({**others, "idempotency_key": COLLIDE}), json.dumps({"yacht_id": str(self.foreign_yacht)})]
        if not keys:
            return plain
        valid = self.element(keys, 1)
        spoilt = [{**valid, **bad, **{k: f"lens-{k}-2" for k in keys if isinstance(valid[k], str) and k.endswith("key")}}
                  for bad in self.spoilers(keys)]
        shapes = [[valid], *([valid, s] for s in spoilt)] if array else [valid, *spoilt]
        return [json.dumps(v) for v in shapes] + plain

    def element(self, keys: tuple[str, ...], n: int) -> dict:
        """An object of ``keys``, each the best guess its name suggests."""
        out = {}
        for k in keys:
            name = k.lower()
            if "yacht" in name or name.endswith(("id", "_by")) or "user" in name:
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
        values = [*decided, *pool.texts(name.lower())]
    elif t == "boolean":
        values = ["true", "false", None]
    elif t in ("jsonb", "json"):
        values = pool.jsons(path.json_keys, path.json_array) if path else pool.jsons()
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


def examples(path: Path, pool: Pool, budget: int) -> list[tuple]:
    """At most ``budget`` argument tuples: the best guess, then each parameter varied alone."""
    options = [candidates(pool, n, t, path) for n, t in zip(path.arg_names, path.arg_types)]
    first = tuple(o[0] for o in options)
    out, depth = [first], 1
    while len(out) < budget and any(depth < len(o) for o in options):
        for i, o in enumerate(options):
            if depth < len(o) and len(out) < budget:
                out.append(first[:i] + (o[depth],) + first[i + 1:])
        depth += 1
    return out


def update_values(pool: Pool, column: str, type_: str, user_columns: tuple, n: int) -> list:
    """What an UPDATE of an own row sets ``column`` to, alone: a colleague in a user-naming
    column, the other yacht in ``yacht_id``, else the column's candidates past the best guess
    (another yacht's or a phantom id, the collision text, boundary numbers), at most ``n``."""
    if column in user_columns:
        return [str(pool.colleague)]
    if column == "yacht_id":
        return [str(pool.foreign_yacht)]
    return [v for v in candidates(pool, column, type_)[1:] if v is not None][:n]
