"""Every path an API role can reach, read from the target's catalog when the suite runs.

The inventory's cells were written against the objects someone listed; a blind red team got
through with objects a later migration added (a yes/no lookup, a unique index, a policy).  Here
nothing is named: every relation ``authenticated`` or ``anon`` may read, every per-yacht table
``authenticated`` may insert into, update (a table or a column grant: each granted column is a
path of its own) or delete from, every function ``anon`` or ``authenticated`` may EXECUTE
whatever its name or signature, and every storage bucket is a path.

A function's body is read too: the keys it takes out of a jsonb argument (``->>``, ``->``,
``jsonb_to_recordset(...) AS x(key type, ...)``) and whether it walks an array, so a batch RPC
gets batches of those keys rather than ``{}`` (red team round 4, 10: a bulk receive that books
the first line and answers failure for the second never ran a line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import asyncpg

from harness import surface


@dataclass(frozen=True)
class Path:
    kind: str                     # read | insert | update | delete | function | storage
    name: str                     # relation, function or bucket
    arg_names: tuple[str, ...] = ()   # a function's parameters; an update's column
    arg_types: tuple[str, ...] = ()
    anon: bool = False
    json_keys: tuple[str, ...] = ()   # keys the body reads out of its jsonb arguments
    json_array: bool = False          # ... element by element (a batch)
    arg_literals: tuple[tuple[str, ...], ...] = ()   # per parameter: its default, literals it is compared with
    key_literals: tuple[tuple[str, ...], ...] = ()   # per json key: the literals it is compared with
    own_keys: tuple[str, ...] = ()    # the json keys its own body reads (the others: its callees')
    body: str = field(default="", compare=False, repr=False)   # its body and its callees'

    def label(self) -> str:
        if self.kind == "function":
            return f"{self.name}({', '.join(f'{n} {t}' for n, t in zip(self.arg_names, self.arg_types))})"
        if self.kind == "update":
            return f"update {self.name}.{self.arg_names[0]}"
        return f"{self.kind} {self.name}"


JSON_KEY = re.compile(r"->>?\s*'([A-Za-z_][A-Za-z0-9_]*)'")
RECORDSET = re.compile(r"jsonb?_to_record(set)?\s*\([^)]*\)\s*(?:AS\s+)?\w+\s*\(([^)]*)\)", re.IGNORECASE)
ARRAY_WALK = re.compile(r"jsonb?_array_elements|jsonb?_to_recordset", re.IGNORECASE)


ALIAS = r"(\w+)\s+[\w.%]+(?:\s*\([^)]*\))?\s*(?::=|=|DEFAULT)\s*{}\b"
COMPARED = (r"\b{0}\s*(?:=|<>|!=)\s*'((?:[^']|'')*)'", r"'((?:[^']|'')*)'\s*(?:=|<>|!=)\s*{0}\b",
            r"\b{0}\s+(?:NOT\s+)?IN\s*\(([^)]*)\)", r"\b{0}\s*=\s*ANY\s*\(\s*(?:ARRAY\s*)?\[([^\]]*)\]")
DEFAULT_LITERAL = re.compile(r"^\s*(?:IN\s+)?(\w+)\s.*?\bDEFAULT\s+'((?:[^']|'')*)'", re.IGNORECASE)


def arg_literals(names: tuple[str, ...], arguments: str, body: str) -> tuple[tuple[str, ...], ...]:
    """Per parameter, the values the function itself decides on: its declared default, then the
    literals its body compares it (or a variable assigned from it) with — the first guess that
    gets past a function's own checks (a text ``p_transaction_type`` given a location name never
    reaches the stock row, so nothing behind that check was ever observed: red team round 5, 18)."""
    defaults = {m.group(1): m.group(2) for a in arguments.split(", ") if (m := DEFAULT_LITERAL.match(a))}
    out = []
    for name in names:
        found = [defaults[name]] if name in defaults else []
        for alias in {name, *re.findall(ALIAS.format(re.escape(name)), body or "", re.IGNORECASE)}:
            for pattern in COMPARED:
                for hit in re.findall(pattern.format(re.escape(alias)), body or "", re.IGNORECASE):
                    found += re.findall(r"'((?:[^']|'')*)'", hit) if "'" in hit else [hit]
        out.append(tuple(dict.fromkeys(v.replace("''", "'") for v in found)))
    return tuple(out)


KEY_ALIAS = r"(\w+)\s*:=[^;]*?->>?\s*'{}'"
KEY_EXPRESSION = r"->>?\s*'{}'\s*\)?"


def aliases(name: str, body: str, key: bool = False) -> set[str]:
    """The words that stand for a parameter (``name``) or a json key (``key``) in ``body``: the
    variables assigned from it; a key also stands for itself (the ``->> 'key'`` expression)."""
    pattern = KEY_ALIAS if key else ALIAS
    found = set(re.findall(pattern.format(re.escape(name)), body or "", re.IGNORECASE))
    return found if key else {name, *found}


def key_literals(keys: tuple[str, ...], body: str) -> tuple[tuple[str, ...], ...]:
    """Per json key, the literals the body compares it with, directly (``d ->> 'type' =
    'reversed'``) or through a variable assigned from it: the value that takes a jsonb field
    into its branch (red team round 5, 50: a lookup reached only with one type and one id)."""
    out = []
    for key in keys:
        expression = KEY_EXPRESSION.format(re.escape(key))
        patterns = [p.format(re.escape(a)) for a in aliases(key, body, key=True) for p in COMPARED]
        patterns += [p.replace(r"\b{0}", "{0}").replace(r"{0}\b", "{0}").format(expression) for p in COMPARED]
        found = []
        for pattern in patterns:
            for hit in re.findall(pattern, body or "", re.IGNORECASE):
                found += re.findall(r"'((?:[^']|'')*)'", hit) if "'" in hit else [hit]
        out.append(tuple(dict.fromkeys(v.replace("''", "'") for v in found)))
    return tuple(out)


def with_callees(name: str, body: str, bodies: dict[str, str]) -> str:
    """``body`` followed by the bodies of the public functions it calls (one level deep)."""
    called = [b for callee, b in bodies.items()
              if callee != name and re.search(rf'\b{re.escape(callee)}"?\s*\(', body or "")]
    return "\n".join([body or "", *called])


def json_shape(body: str) -> tuple[tuple[str, ...], bool]:
    """The keys a function body reads out of jsonb and whether it walks an array of them."""
    keys = JSON_KEY.findall(body or "")
    for _, columns in RECORDSET.findall(body or ""):
        keys += [c.split()[0].strip('"') for c in columns.split(",") if c.split()]
    return tuple(dict.fromkeys(keys)), bool(ARRAY_WALK.search(body or ""))


async def readable_relations(conn: asyncpg.Connection) -> list[str]:
    """Public tables, views and materialized views ``authenticated`` may SELECT, or ``anon`` may
    SELECT a column of (a directory for the login screen is a column grant)."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND (has_table_privilege('authenticated', c.oid, 'SELECT') "
        "     OR has_any_column_privilege('anon', c.oid, 'SELECT')) ORDER BY 1")
    return [r["relname"] for r in rows]


async def granted_tables(conn: asyncpg.Connection, privilege: str) -> list[str]:
    """Per-yacht tables ``authenticated`` holds ``privilege`` on (on some column at least)."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[]) "
        "AND (has_table_privilege('authenticated', c.oid, $2) OR $2 <> 'DELETE' "
        "     AND has_any_column_privilege('authenticated', c.oid, $2)) ORDER BY 1",
        await surface.yacht_tables(conn), privilege)
    return [r["relname"] for r in rows]


async def updatable_columns(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    """(table, column, type) of every column ``authenticated`` may UPDATE on a per-yacht table."""
    out = []
    for table in await granted_tables(conn, "UPDATE"):
        rows = await conn.fetch(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = $1::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attgenerated = '' "
            "AND has_column_privilege('authenticated', attrelid, attnum, 'UPDATE') ORDER BY attnum", f"public.{table}")
        out += [(table, *r) for r in rows]
    return out


async def readable_columns(conn: asyncpg.Connection, relation: str, role: str) -> list[str]:
    """The columns of ``relation`` ``role`` may SELECT (a column grant reads no other)."""
    rows = await conn.fetch(
        "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped "
        "AND has_column_privilege($2, attrelid, attnum, 'SELECT') ORDER BY attnum", f"public.{relation}", role)
    return [r["attname"] for r in rows]


async def discover(conn: asyncpg.Connection) -> list[Path]:
    paths = [Path("read", r) for r in await readable_relations(conn)]
    paths += [Path("insert", t) for t in await granted_tables(conn, "INSERT")]
    paths += [Path("update", t, (c,), (type_,)) for t, c, type_ in await updatable_columns(conn)]
    paths += [Path("delete", t) for t in await granted_tables(conn, "DELETE")]
    bodies = {r[0]: r[1] for r in await conn.fetch(
        "SELECT p.proname, string_agg(p.prosrc, E'\\n') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' GROUP BY 1")}
    for fn in await surface.executable_functions(conn):
        names, own, arguments = await conn.fetchrow(
            "SELECT coalesce(proargnames, '{}'), prosrc, pg_get_function_arguments(oid) FROM pg_proc WHERE oid = $1",
            fn["oid"])
        body = with_callees(fn["proname"], own, bodies)
        types = tuple(fn["types"])
        names = tuple(list(names)[:len(types)]) + tuple(f"${i}" for i in range(len(names) + 1, len(types) + 1))
        keys, array = json_shape(body) if any(t in ("jsonb", "json") for t in types) else ((), False)
        paths.append(Path("function", fn["proname"], names, types, fn["anon"], keys, array,
                          arg_literals(names, arguments, body), key_literals(keys, body),
                          json_shape(own)[0], body))
    paths += [Path("storage", b) for b in await surface.buckets(conn)]
    return paths


async def user_columns(conn: asyncpg.Connection, tables: list[str]) -> dict[str, tuple[str, ...]]:
    """table -> the columns that name a user: ``user_id``, ``owner``, ``*_by``, or a foreign key to
    the users (auth.users or the profiles).  CONTRACT §11.5: each must be the caller."""
    rows = await conn.fetch(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) "
        "AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype "
        "AND (a.attname IN ('user_id', 'owner') OR a.attname LIKE '%\\_by' OR EXISTS ("
        "  SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY(k.conkey) "
        "  AND k.confrelid IN (to_regclass('auth.users'), to_regclass('public.auth_users_profiles')))) "
        "ORDER BY 1, a.attnum", tables)
    return _by_table(rows, tables)


async def unique_text_columns(conn: asyncpg.Connection, tables: list[str]) -> dict[str, tuple[str, ...]]:
    """table -> text columns a unique index reads (as a key, in an expression such as
    ``lower(name)``, or in its predicate): where one tenant's value can collide with another's
    (CONTRACT §11.1: such an index must include ``yacht_id``)."""
    rows = await conn.fetch(
        "SELECT DISTINCT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        "AND NOT a.attisdropped WHERE i.indisunique AND n.nspname = 'public' AND c.relname = ANY($1::text[]) "
        "AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) "
        "AND (a.attnum = ANY(i.indkey) OR pg_get_indexdef(i.indexrelid) ~ ('\\m' || a.attname || '\\M')) "
        "ORDER BY 1, 2", tables)
    return _by_table(rows, tables)


async def text_columns(conn: asyncpg.Connection, tables: list[str]) -> dict[str, tuple[str, ...]]:
    """table -> its text columns (where world B's other yacht can hold what a text argument names)."""
    rows = await conn.fetch(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) "
        "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) ORDER BY 1, a.attnum", tables)
    return _by_table(rows, tables)


def _by_table(rows, tables: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {t: () for t in tables}
    for r in rows:
        out[r["relname"]] += (r["attname"],)
    return out


#: The states a row can be put in besides the one it was written in, by column: deactivated
#: (``deleted_at``, ``archived_at``...), switched off (``is_active``, ``enabled``), none on hand.
#: Each with the test a row not yet in it passes (a row already deactivated is left alone: a
#: guard may refuse touching it).
STATES = (("timestamp", r"^(deleted|archived|deactivated|disabled)_at$", "now()", "IS NULL"),
          ("boolean", r"^(is_)?(active|enabled)$", "false", "IS TRUE"),
          ("integer", r"^(quantity|on_hand)$", "0", "<> 0"))


async def state_changes(conn: asyncpg.Connection, tables: list[str]) -> dict[str, list[tuple[str, str]]]:
    """table -> (name, statement) per other state its rows can be in (STATES): the row ``$1``
    set to it as the owner, and with it the rows of other tables that declare a key to it and
    have the same column (a part deactivated with its stock, as §4's deactivation does).  A
    function or UPDATE that acts on a row only in such a state (reactivate, restock from zero) is
    never reached by calls on live rows (red team round 5, 40)."""
    rows = await conn.fetch(
        "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) AS type FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attgenerated = '' ORDER BY 1, a.attnum", tables)
    keys = await conn.fetch(
        "SELECT f.relname AS referencing, t.relname AS referenced, a.attname FROM pg_constraint k "
        "JOIN pg_class f ON f.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid "
        "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
        "WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND f.relname = ANY($1::text[]) "
        "AND t.relname = ANY($1::text[]) ORDER BY 1, 3", tables)
    columns = {(r["relname"], r["attname"]): r["type"] for r in rows}
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in tables}
    for (table, column), type_ in columns.items():
        for kind, pattern, value, live in STATES:
            if type_.startswith(kind) and re.match(pattern, column) and (table, "id") in columns:
                also = [k for k in keys if k["referenced"] == table and (k["referencing"], column) in columns]
                steps = [f'UPDATE public.{t} SET "{column}" = {value} WHERE "{key}" = $1::uuid AND "{column}" {live}'
                         for t, key in ((table, "id"), *((k["referencing"], k["attname"]) for k in also))]
                sql = "WITH " + ", ".join(f"s{i} AS ({s} RETURNING 1)" for i, s in enumerate(steps)) + " SELECT 1"
                out[table].append((f"{column} = {value}", sql))
    return out
