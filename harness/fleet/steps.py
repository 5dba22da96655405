"""Fleet rows written after every migration step (CONTRACT §11.8), so a later migration's backfill
runs over data written under the schema of its time, not only over pre-lens rows.

The pre-lens fleet (legacy_fleet.sql) is what 308 backfills; a later file that backfills again
(every part without a primary location, by its stock's location text, across yachts: red team
round 5, 13) found nothing to do, because 308 had already filled every legacy part.  Here, after
each migration file, every yacht of the fleet gets new rows in every per-yacht table that exists
by then: a connected copy of its most connected row of each table (harness/paths/graph.py: the
stock copy stocks the part copy), in three variants — as the row is (numbers 0, so no stock
moves and drift stays what it was), with its optional references NULL (rows an older app
version wrote, the ones a backfill fills), with its optional texts blank.  A table with no row
of the yacht yet gets one generated from the catalog (the same text on every yacht: colliding
names).  Every yacht gets the same, so a statement that joins without the yacht crosses.  A row
the tables refuse is left out; nothing here knows what any migration does.

A join by name needs the same text in two columns, spelled alike: the fleet's location text
carries stray spaces, so a backfill matching stock text to location names exactly (``=``, no
``btrim``) met no row to fill and crossed nothing (red team round 7, 09).  So each yacht also gets
one connected set per *join key*: a text that two columns of the fleet hold (trimmed) on two
yachts or more, written into every text column no CHECK constrains, optional references NULL —
a row waiting to be filled whose text names, exactly, another table's row on every yacht.
"""
from __future__ import annotations

import json
import uuid

import psycopg
from psycopg import sql

from harness.paths import graph

#: Per-yacht tables (an id and a yacht_id) and their insertable columns: name, type, NOT NULL,
#: default, the table a single-column foreign key points at.
_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, NULL), a.attnotnull, a.atthasdef, a.attidentity <> '',
       (SELECT t.relname FROM pg_constraint k JOIN pg_class t ON t.oid = k.confrelid
        WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.conkey = ARRAY[a.attnum] LIMIT 1),
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c' AND a.attnum = ANY(k.conkey))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  AND EXISTS (SELECT 1 FROM pg_attribute i WHERE i.attrelid = c.oid AND i.attname = 'id' AND NOT i.attisdropped
              AND i.atttypid = 'uuid'::regtype)
  AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.oid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
ORDER BY c.relname, a.attnum"""

#: What a generated row holds in a NOT NULL column with no default, by type.
_GENERATED = {"text": "lens-fleet", "character varying": "lens-fleet", "integer": 0, "bigint": 0,
              "smallint": 0, "numeric": 0, "boolean": False, "jsonb": {}, "json": {}}
VARIANTS = ("as is", "optional references NULL", "optional texts blank")
#: Join keys written per step (join_keys): enough to meet a join on each kind of name, cheap.
KEYS = 8
_TEXT = ("text", "character varying")
#: The step's rows, each alone: a constraint checked at once (not at commit, where one refused
#: row would take the others with it), a refused row skipped.
_WRITE = """DO $lens_fleet$
DECLARE e jsonb;
BEGIN
  SET CONSTRAINTS ALL IMMEDIATE;
  FOR e IN SELECT * FROM jsonb_array_elements({}::jsonb) LOOP
    BEGIN
      EXECUTE e->>0 USING e->1;
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
  END LOOP;
END
$lens_fleet$"""


def write(conn: psycopg.Connection) -> int:
    """Write the step's rows on every yacht (module docstring), one statement for the step:
    each row in a subtransaction of its own, a row the tables refuse left out (a copy that
    references it then dangles or is refused too).  Returns how many rows were offered."""
    columns: dict[str, list[tuple]] = {}
    for table, *column in conn.execute(_COLUMNS).fetchall():
        columns.setdefault(table, []).append(tuple(column))
    if not columns:
        return 0
    rows: dict[str, list[dict]] = {t: [] for t in columns}
    for table, row in conn.execute(" UNION ALL ".join(
            f"SELECT '{t}', to_jsonb(x) FROM public.{t} x" for t in columns)).fetchall():
        rows[table].append(row)
    owner = graph.owners(rows)
    order = graph.referenced_first({t: rows[t] or [{}] for t in columns}, owner)
    offered, keys = [], join_keys(rows, columns)
    for yacht in sorted({str(r["yacht_id"]) for rs in rows.values() for r in rs if r.get("yacht_id")}):
        hubs = graph.hubs({t: [r for r in rs if str(r.get("yacht_id")) == yacht] for t, rs in rows.items()})
        for variant in (*VARIANTS, *keys):
            copies: dict[str, str] = {}
            for table in order:
                row = _variant(_source(hubs.get(table), columns[table], yacht, copies), columns[table], variant)
                copies[table] = (row := graph.connect(row, owner, copies) | {"id": str(uuid.uuid4())})["id"]
                offered.append([_insert_sql(table, [c[0] for c in columns[table] if c[0] in row and not c[4]]), row])
    conn.execute(sql.SQL(_WRITE).format(sql.Literal(json.dumps(offered))))
    return len(offered)


def join_keys(rows: dict[str, list[dict]], columns: dict[str, list[tuple]]) -> list[tuple[str]]:
    """Texts (trimmed) that two or more text columns hold and two or more yachts: what a join by
    name could match across yachts, most widely held first, at most ``KEYS``; each a variant."""
    places: dict[str, set] = {}
    yachts: dict[str, set] = {}
    for table, rs in rows.items():
        texts = [c[0] for c in columns[table] if c[1] in _TEXT]
        for r in rs:
            for c in texts:
                if isinstance(r.get(c), str) and r[c].strip():
                    places.setdefault(r[c].strip(), set()).add((table, c))
                    yachts.setdefault(r[c].strip(), set()).add(str(r.get("yacht_id")))
    shared = [v for v in places if len(places[v]) > 1 and len(yachts[v]) > 1]
    return [(v,) for v in sorted(shared, key=lambda v: (-len(places[v]), -len(yachts[v]), v))[:KEYS]]


def _source(hub: dict | None, columns: list[tuple], yacht: str, copies: dict[str, str]) -> dict:
    """The row to copy: the yacht's most connected one, numbers 0; else one generated from the
    catalog (references to this step's copies)."""
    if hub is not None:
        return {k: 0 if type(v) in (int, float) else v for k, v in hub.items()}
    out = {"yacht_id": yacht}
    for name, type_, notnull, default, identity, target, _ in columns:
        if notnull and not default and not identity and name not in out:
            out[name] = copies.get(target) if type_ == "uuid" else _GENERATED.get(type_)
    return out


def _variant(row: dict, columns: list[tuple], variant: str | tuple[str]) -> dict:
    optional = {name: type_ for name, type_, notnull, *_ in columns if not notnull and name not in graph.NOT_EDGES}
    if isinstance(variant, tuple):   # a join key: in every unconstrained text column, references to fill NULL
        return row | {c: None for c, t in optional.items() if t == "uuid"} | {
            name: variant[0] for name, type_, *_, checked in columns if type_ in _TEXT and not checked}
    if variant == "optional references NULL":
        return row | {c: None for c, t in optional.items() if t == "uuid"}
    if variant == "optional texts blank":
        return row | {c: "  " for c, t in optional.items() if t in ("text", "character varying")}
    return row


def _insert_sql(table: str, names: list[str]) -> str:
    cols = ", ".join(f'"{c}"' for c in names)
    return f"INSERT INTO public.{table} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::public.{table}, $1)"
