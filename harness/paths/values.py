"""Argument values for any function, from its parameter types and the database's own contents.

A function nobody listed has no hand-written argument set.  Its arguments come from the type
of each parameter plus values mined from the target: the own yacht's and the other yacht's row
ids (the parameter's name, e.g. ``p_stock_id``, ranks the matching table's ids first), the
caller and a colleague, a *phantom* id per table (unknown in world A, another yacht's row in
world B), every string literal of the function bodies, policies and CHECK constraints (role
names, transaction types, statuses), the collision literal world B plants, boundary numbers and
NULL.

Examples are enumerated, not drawn: the first is the best guess for every parameter, then each
parameter is varied alone over its candidates (one at a time, as red team round 3, 30 showed
is needed), round-robin so a small budget still varies every parameter.  Deterministic on
purpose: a mutant only a lucky draw catches starts to survive when the draw changes
(docs/MUTANTS.md), which is why Hypothesis does not fit here.
"""
from __future__ import annotations

import json
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


async def mined_literals(conn: asyncpg.Connection) -> list[str]:
    return sorted(set().union(*await literal_sources(conn)))


def role_strings(sources: list[set[str]], contract_roles) -> list[str]:
    """Role-like literals that share a body, policy or constraint with a CONTRACT §2 role name
    (a role list) and are not one of §2's: each must be a role of no tier."""
    found = {v for lits in sources if lits & set(contract_roles) for v in lits if ROLE_LIKE.match(v)}
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

    def ids(self, name: str) -> list:
        hinted = [t for t in self.own if _stem(t) and _stem(t) in name]
        if "yacht" in name:
            return [self.own_yacht, self.foreign_yacht, None]
        if "user" in name or name.endswith("_by") or "signer" in name:
            return [self.caller, self.colleague, None]
        order = hinted + [t for t in self.own if t not in hinted]
        first = [i for t in order for i in self.own[t][:1]]
        return [*first[:1], None, *[i for t in hinted for i in self.foreign.get(t, [])[:1]],
                *[phantom_id(t, self.own_yacht) for t in hinted[:1] or order[:1]],
                *[i for t in hinted[:1] for i in self.own[t][1:3]], self.colleague, *first[1:4], self.own_yacht]

    def table_named(self, column: str) -> str | None:
        """The per-yacht table a ``*_id`` column's name points at (``to_location_id`` ->
        ``pms_part_locations``), if one."""
        stem = column.lower().removesuffix("_id")
        return next((t for t in self.own if column.lower().endswith("_id") and _stem(t) and _stem(t) in stem), None)

    def texts(self, name: str) -> list:
        return [*self.own_texts[:1], COLLIDE, None, *self.own_texts[1:3], *self.literals]

    def jsons(self) -> list:
        others = {"user_id": str(self.colleague), "signed_by": str(self.colleague), "created_by": str(self.colleague),
                  "used_by": str(self.colleague), "owner": str(self.colleague)}
        return ["{}", None, json.dumps({**others, "idempotency_key": COLLIDE}), json.dumps({"yacht_id": str(self.foreign_yacht)})]


def _stem(table: str) -> str:
    """``pms_inventory_stock`` -> ``stock``: the word a parameter name would use."""
    word = table.rsplit("_", 1)[-1]
    return {"transactions": "transaction", "locations": "location", "parts": "part", "items": "item",
            "log": "audit", "registry": "yacht"}.get(word, word)


def candidates(pool: Pool, name: str, type_: str) -> list:
    """Text forms of the values a parameter can take (NULL as None), best guess first."""
    t = type_.lower()
    if t == "uuid":
        values = pool.ids(name.lower())
    elif t in ("integer", "bigint", "smallint", "numeric", "real", "double precision"):
        values = list(BOUNDARY_INTS)
    elif t in ("text", "character varying", "name", "citext"):
        values = pool.texts(name.lower())
    elif t == "boolean":
        values = ["true", "false", None]
    elif t in ("jsonb", "json"):
        values = pool.jsons()
    elif t.startswith("timestamp") or t == "date":
        values = ["now", "-infinity", None]
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
    options = [candidates(pool, n, t) for n, t in zip(path.arg_names, path.arg_types)]
    first = tuple(o[0] for o in options)
    out, depth = [first], 1
    while len(out) < budget and any(depth < len(o) for o in options):
        for i, o in enumerate(options):
            if depth < len(o) and len(out) < budget:
                out.append(first[:i] + (o[depth],) + first[i + 1:])
        depth += 1
    return out
