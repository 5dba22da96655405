"""Every value a status-like column can hold, so world B's other yacht holds a row in each.

A policy that reads a status column can let another yacht's rows through for one value only
(``yacht_id = mine AND status = 'pending' OR status = 'ordered'``: AND binds first); world B's
copies held the collision literal and the own yacht's status, so no other-yacht row was ever in
the value that opens it and non-interference saw nothing (red team round 7, 38).  Here, from the
catalog alone: the columns a CHECK constrains, a policy of the table or a function body reads,
every enum and boolean column; the values are the enum's labels, true and false; for a text
column the literals of its CHECKs, the literals compared with the column in the table's policies and in
function bodies, and the values the rows already hold.  worlds.plant copies its other-yacht row
once per (column, value).
"""
from __future__ import annotations

import re

import asyncpg

from harness.paths.values import LITERAL, PLAIN

#: How far after a mention of the column a literal counts as compared with it (``status IN
#: ('a', 'b')``, ``status = ANY (ARRAY['a'::text, ...])``).
_REACH = 160
#: Values planted per column: every label of a CHECK or enum in practice, bounded for the cost.
MOST = 12

_COLUMNS = """
SELECT c.relname AS tbl, a.attname AS col, t.typtype = 'e' AS enum, a.atttypid = 'boolean'::regtype AS bool,
       (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
       (SELECT string_agg(pg_get_constraintdef(k.oid), ' ') FROM pg_constraint k
        WHERE k.conrelid = c.oid AND k.contype = 'c' AND a.attnum = ANY(k.conkey)) AS checks,
       (SELECT string_agg(coalesce(p.qual, '') || ' ' || coalesce(p.with_check, ''), ' ') FROM pg_policies p
        WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = 'public' AND c.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = '' AND (t.typtype = 'e' OR a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'boolean'::regtype))
ORDER BY 1, a.attnum"""
_BODIES = ("SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
           "JOIN pg_language l ON l.oid = p.prolang WHERE n.nspname = 'public' AND l.lanname IN ('sql', 'plpgsql')")


async def by_column(conn: asyncpg.Connection, tables: list[str]) -> dict[str, dict[str, list]]:
    """table -> status-like column -> the values to plant (module docstring), as text."""
    bodies = [r[0] for r in await conn.fetch(_BODIES)]
    found: dict[tuple[str, str], list] = {}
    closed = set()   # enum and boolean columns: their type lists every value
    for r in await conn.fetch(_COLUMNS, tables):
        word = re.compile(rf"\b{re.escape(r['col'])}\b")
        reading = [b for b in bodies if r["tbl"] in b and word.search(b)] + [r["policies"] or ""]
        if r["enum"] or r["bool"]:   # every value the type has
            found[(r["tbl"], r["col"])] = list(r["labels"] or ("true", "false"))
            closed.add((r["tbl"], r["col"]))
        elif values := [*_literals(r["checks"] or ""), *(v for text in reading for v in _compared(text, word))]:
            found[(r["tbl"], r["col"])] = values
    text = [(n, key) for n, key in enumerate(found) if key not in closed]
    held = await conn.fetch(" UNION ALL ".join(
        f'(SELECT DISTINCT {n}, "{c}"::text FROM public."{t}" WHERE "{c}" IS NOT NULL ORDER BY 2 LIMIT 4)'
        for n, (t, c) in text)) if text else []
    for n, value in held:
        found[list(found)[n]].append(value)
    out: dict[str, dict[str, list]] = {}
    for (table, column), values in found.items():
        out.setdefault(table, {})[column] = list(dict.fromkeys(values))[:MOST]
    return out


def _literals(text: str) -> list[str]:
    return [m.replace("''", "'") for m in LITERAL.findall(text) if PLAIN.match(m.replace("''", "'"))]


def _compared(text: str, word: re.Pattern) -> list[str]:
    """The literals within reach after each mention of the column."""
    return [v for m in word.finditer(text) for v in _literals(text[m.end():m.end() + _REACH])]
