# 31: 308 applied to a legacy database holding two yachts whose stock uses the same free-text
# location name: a stock row of one yacht ends up pointing at the other yacht's location.
set -u
psql "$DSN" -X -q <<SQL
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, quantity) VALUES
  ('cf3df952-f993-5386-8585-4184c42e9285', '67653ae2-dcb3-5265-aeca-41dd829c0aef', 'aft lazarette', 0),
  ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'ef9233a7-2456-5e94-b0f5-70f627630a4c', 'aft lazarette', 0);
SQL
psql "$DSN" -X -q -v ON_ERROR_STOP=1 -f "$SQL_DIR/308_location_backfill.sql" >/dev/null
psql "$DSN" -X -q -At <<'SQL'
\ir head.sql
BEGIN;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_stock s
WHERE s.location_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pms_part_locations l WHERE l.id = s.location_id) LIMIT 1 \gset
RESET ROLE;
:as_deckhand_a
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_stock s
WHERE s.location_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pms_part_locations l WHERE l.id = s.location_id) LIMIT 1 \gset
ROLLBACK;
\echo :verdict
SQL
