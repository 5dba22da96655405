"""Privilege lint: what the catalog grants the API roles beyond rows.

Row-level security judges SELECT, INSERT, UPDATE and DELETE row by row; nothing else a table
privilege grants is held to it.  TRUNCATE empties every yacht's rows at once, TRIGGER lets the
grantee attach code that runs in other users' writes, REFERENCES (also per column) lets it build
constraints that probe rows it cannot read, MAINTAIN (PostgreSQL 17) locks and rewrites the
table.  So anon, authenticated and PUBLIC may hold only the four row privileges on the public
schema's tables and views (CONTRACT §5: a user sees and writes only its own yacht's rows), and
a `GRANT ALL` shows here even before the surface's TRUNCATE cells try it.  Read-only.
"""

ROW_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")

GRANTS = """
    SELECT c.relname AS object, NULL AS column_name, a.privilege_type, coalesce(r.rolname, 'PUBLIC') AS grantee
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated'))
    UNION ALL
    SELECT c.relname, t.attname, a.privilege_type, coalesce(r.rolname, 'PUBLIC')
    FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL aclexplode(t.attacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE n.nspname = 'public' AND t.attnum > 0 AND NOT t.attisdropped
      AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated'))
    ORDER BY 1, 2, 3, 4"""


async def test_api_roles_hold_only_row_privileges(lens_tx):
    grants = await lens_tx.fetch(GRANTS)
    assert grants, "the API roles hold no privilege at all: the lint cannot fail"
    beyond = [f"{g['grantee']}: {g['privilege_type']} on {g['object']}{'.' + g['column_name'] if g['column_name'] else ''}"
              for g in grants if g["privilege_type"] not in ROW_PRIVILEGES]
    assert beyond == [], "privileges that row-level security does not judge:\n" + "\n".join(beyond)
