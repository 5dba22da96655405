-- 09: a deckhand of yacht B refreshes the stats and reads yacht A's movements.
\ir head.sql
BEGIN;
:as_deckhand_b
SELECT public.refresh_part_movement_stats();
SELECT 'EXPLOITED' AS verdict FROM mv_part_movement_30d WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
