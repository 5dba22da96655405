# 14: the migration applied to a database that already holds two yachts' data (the seeded
# demo set: parts without a primary location on yachts A and B).  Afterwards some part
# points at another yacht's location, and a crew member of its yacht reads that foreign id.
set -u
F=$(ls "$SQL_DIR"/354_unassigned_location.sql 2>/dev/null)
[ -n "$F" ] && psql "$DSN" -X -q -v ON_ERROR_STOP=1 -f "$F" >/dev/null
psql "$DSN" -X -q -At <<'SQL'
\ir head.sql
BEGIN;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM pms_parts p
WHERE p.primary_location_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pms_part_locations l WHERE l.id = p.primary_location_id) LIMIT 1 \gset
ROLLBACK;
\echo :verdict
SQL
