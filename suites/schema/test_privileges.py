"""Privilege lints (CONTRACT §11.7, §11.1): what the catalog grants the API roles beyond rows.

Row-level security judges SELECT, INSERT, UPDATE and DELETE row by row; nothing else is held to
it.  TRUNCATE empties every yacht's rows at once, TRIGGER lets the grantee attach code that runs
in other users' writes, REFERENCES (also per column) lets it build constraints that probe rows
it cannot read, MAINTAIN (PostgreSQL 17) locks and rewrites the table.  CREATE on a schema lets
a client add a function that shadows a ``pg_catalog`` one for a definer path that resolves names
through that schema.  A relation without RLS (a materialized view can have none) hands every
yacht's rows to whoever may read it.  And a unique constraint without ``yacht_id`` lets one
tenant learn another's names from a 23505 (and refuses it a name another yacht uses).  So anon,
authenticated and PUBLIC may hold only the four row privileges, no CREATE anywhere, and nothing
on a relation without RLS; every unique index of a per-yacht table includes ``yacht_id`` or
is on ids (uuid) only; no per-yacht column draws from a sequence every yacht shares.  Read-only: each lint reads the catalog, every failure names the object
and the rule.
"""
from harness.policy import TRAIL

ROW_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
API_GRANTEES = "(a.grantee = 0 OR r.rolname IN ('anon', 'authenticated'))"
#: Schemas the platform (PostgreSQL, Supabase) manages: not the project's to lint for grants.
PLATFORM_SCHEMAS = ("information_schema", "auth", "storage", "realtime", "extensions", "graphql",
                    "graphql_public", "vault", "pgsodium", "pgsodium_masks", "supabase_functions",
                    "supabase_migrations", "net", "cron", "pgbouncer", "lens_harness")
PROJECT_SCHEMA = f"n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN {PLATFORM_SCHEMAS!r}"

GRANTS = f"""
    SELECT n.nspname || '.' || c.relname AS object, NULL AS column_name, a.privilege_type,
           coalesce(r.rolname, 'PUBLIC') AS grantee
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE {PROJECT_SCHEMA} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {API_GRANTEES}
    UNION ALL
    SELECT n.nspname || '.' || c.relname, t.attname, a.privilege_type, coalesce(r.rolname, 'PUBLIC')
    FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL aclexplode(t.attacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE {PROJECT_SCHEMA} AND t.attnum > 0 AND NOT t.attisdropped AND {API_GRANTEES}
    ORDER BY 1, 2, 3, 4"""

#: Every schema (the platform's too) on which an API role, or PUBLIC, may CREATE.
SCHEMA_CREATE = """
    SELECT n.nspname, g.grantee FROM pg_namespace n
    CROSS JOIN (VALUES ('anon'), ('authenticated')) g(grantee)
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND has_schema_privilege(g.grantee, n.oid, 'CREATE')
    UNION ALL
    SELECT n.nspname, 'PUBLIC' FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
    WHERE n.nspname NOT LIKE 'pg\\_%' AND a.grantee = 0 AND a.privilege_type = 'CREATE'
    ORDER BY 1, 2"""

#: Tables, materialized and foreign tables without row-level security an API role may touch.
WITHOUT_RLS = f"""
    SELECT n.nspname || '.' || c.relname AS object, c.relkind, g.grantee FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN (VALUES ('anon'), ('authenticated')) g(grantee)
    WHERE {PROJECT_SCHEMA} AND c.relkind IN ('r', 'p', 'm', 'f') AND NOT c.relrowsecurity
      AND (has_table_privilege(g.grantee, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
           OR has_any_column_privilege(g.grantee, c.oid, 'SELECT, INSERT, UPDATE'))
    ORDER BY 1, 3"""

#: Unique indexes of per-yacht tables without yacht_id whose columns are not all ids (uuid: values
#: generated at random cannot collide across yachts, nor be guessed to probe one).
UNIQUE_WITHOUT_YACHT = """
    SELECT c.relname AS table_name, i.indexrelid::regclass::text AS index_name,
           pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND i.indisunique
      AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.oid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
      AND NOT EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.oid AND y.attname = 'yacht_id'
                      AND y.attnum = ANY (i.indkey::int2[]))
      AND (i.indexprs IS NOT NULL OR EXISTS (
            SELECT 1 FROM unnest(i.indkey::int2[]) AS k(attnum) JOIN pg_attribute a
              ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE NOT (a.atttypid = 'uuid'::regtype AND (
                  i.indisprimary OR a.attidentity <> ''
               OR EXISTS (SELECT 1 FROM pg_attrdef d WHERE d.adrelid = c.oid AND d.adnum = a.attnum
                          AND pg_get_expr(d.adbin, d.adrelid) ~ '(gen_random_uuid|uuid_generate_v[14]|nextval)\\(')
               OR EXISTS (SELECT 1 FROM pg_constraint f JOIN pg_attribute fy
                            ON fy.attrelid = f.confrelid AND fy.attname = 'yacht_id' AND NOT fy.attisdropped
                          WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.conkey = ARRAY[a.attnum]::int2[])))))
    ORDER BY 1, 2"""

#: Columns of per-yacht tables whose values a sequence draws (an identity, or a nextval default):
#: one counter for every yacht.
FLEET_COUNTERS = """
    SELECT c.relname AS table_name, a.attname AS column_name,
           CASE WHEN a.attidentity <> '' THEN 'identity' ELSE pg_get_expr(d.adbin, d.adrelid) END AS source
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.oid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
      AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) ~ 'nextval\\(')
    ORDER BY 1, 2"""

#: Referential actions that write the trail (CONTRACT §11.2): a foreign key of a ledger or audit
#: table that deletes or rewrites its rows when the referenced row goes (CASCADE, SET NULL, SET
#: DEFAULT), followed back through ON DELETE CASCADE chains, ending at a table an API role may
#: delete from (the privilege, and a permissive DELETE policy when row-level security is on).
TRAIL_ACTIONS = """
    WITH RECURSIVE reach(relid, via) AS (
        SELECT f.confrelid, format('%s.%s ON DELETE %s', f.conrelid::regclass, f.conname,
               CASE f.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END)
        FROM pg_constraint f WHERE f.contype = 'f' AND f.confdeltype IN ('c', 'n', 'd')
          AND f.conrelid = ANY ($1::regclass[])
      UNION
        SELECT f.confrelid, format('%s.%s ON DELETE CASCADE, then %s', f.conrelid::regclass, f.conname, r.via)
        FROM pg_constraint f JOIN reach r ON f.conrelid = r.relid
        WHERE f.contype = 'f' AND f.confdeltype = 'c' AND f.confrelid <> f.conrelid
    )
    SELECT DISTINCT r.relid::regclass::text AS deletable, g.grantee, r.via FROM reach r
    JOIN pg_class c ON c.oid = r.relid CROSS JOIN (VALUES ('anon'), ('authenticated')) g(grantee)
    WHERE has_table_privilege(g.grantee, r.relid, 'DELETE')
      AND (NOT c.relrowsecurity OR EXISTS (
            SELECT 1 FROM pg_policy p WHERE p.polrelid = r.relid AND p.polpermissive AND p.polcmd IN ('d', '*')
              AND (p.polroles = '{0}' OR EXISTS (SELECT 1 FROM pg_roles o WHERE o.oid = ANY (p.polroles)
                                                   AND o.rolname = g.grantee))))
    ORDER BY 1, 2, 3"""


async def test_api_roles_hold_only_row_privileges(lens_tx):
    grants = await lens_tx.fetch(GRANTS)
    assert grants, "the API roles hold no privilege at all: the lint cannot fail"
    beyond = [f"{g['grantee']}: {g['privilege_type']} on {g['object']}{'.' + g['column_name'] if g['column_name'] else ''}"
              for g in grants if g["privilege_type"] not in ROW_PRIVILEGES]
    assert beyond == [], "privileges that row-level security does not judge (§11.7):\n" + "\n".join(beyond)


async def test_api_roles_hold_no_privilege_beyond_rows(lens_tx):
    """§11.7: no CREATE on any schema for anon, authenticated or PUBLIC (a shadowing function),
    and no access to a table, materialized view or foreign table without row-level security."""
    create = [f"schema {r['nspname']}: {r['grantee']} may CREATE (§11.7: no CREATE on any schema)"
              for r in await lens_tx.fetch(SCHEMA_CREATE)]
    open_rows = [f"{r['object']} ({'materialized view' if r['relkind'] == 'm' else 'relation'}): {r['grantee']} "
                 "may access it and it has no row-level security (§11.7)" for r in await lens_tx.fetch(WITHOUT_RLS)]
    assert create + open_rows == [], "\n".join(create + open_rows)


async def test_unique_rules_on_per_yacht_tables_include_the_yacht(lens_tx):
    """§11.1: every unique constraint or index of a per-yacht table includes yacht_id or is on
    ids only — a row's own (its primary key, a generator default or identity) or references to a per-yacht row
    (a foreign key, whose row §11.1 keeps on the caller's yacht); otherwise one tenant's 23505
    tells it another's names, keys or numbers.  A uuid the client chooses (a delivery reference)
    is a value like any other: a red-team index on reference_id alone hid behind its type."""
    rows = await lens_tx.fetch(UNIQUE_WITHOUT_YACHT)
    assert [f"{r['index_name']} on {r['table_name']}: unique without yacht_id on values that are not "
            f"generated ids (§11.1) — {r['definition']}" for r in rows] == []


async def test_per_yacht_rows_draw_no_fleet_wide_counter(lens_tx):
    """§11.1: no column of a per-yacht table takes its value from a sequence (an identity, a
    serial, a nextval default).  One counter serves every yacht, so the gap between two of a
    tenant's numbers counts the other yachts' rows (red team round 5, 02: request numbers on
    shopping-list lines); a per-yacht number is computed per yacht, an id is a uuid."""
    rows = await lens_tx.fetch(FLEET_COUNTERS)
    assert [f"{r['table_name']}.{r['column_name']}: drawn from a fleet-wide counter ({r['source']}); the gaps "
            "between one yacht's numbers count the other yachts' rows (§11.1)" for r in rows] == []


async def test_no_delete_an_api_role_may_make_writes_the_trail(lens_tx):
    """§11.2: no row an API role may delete takes ledger or audit rows with it or rewrites them
    through a foreign key's action (ON DELETE CASCADE / SET NULL / SET DEFAULT, directly or down a
    cascade chain).  Deleting a location must not clear where past transfers went (red team round
    5, 06); a yacht's cascade is the platform's, not an API role's, and stays allowed."""
    rows = await lens_tx.fetch(TRAIL_ACTIONS, list(TRAIL))
    assert [f"{r['grantee']} may delete from {r['deletable']}, which writes the trail: {r['via']} (§11.2)"
            for r in rows] == []
