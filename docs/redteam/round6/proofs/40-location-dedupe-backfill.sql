-- After the dedupe migration, each yacht's deckhand lists its stock rows whose location it cannot
-- see: one yacht's stock now points at the other yacht's engine-room-locker (same name).
\set ok false
\set na 0
\set nb 0
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) AS na FROM public.pms_inventory_stock s
 WHERE s.location_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.pms_part_locations l WHERE l.id = s.location_id) \gset
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT count(*) AS nb FROM public.pms_inventory_stock s
 WHERE s.location_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.pms_part_locations l WHERE l.id = s.location_id) \gset
COMMIT;
SELECT :na + :nb > 0 AS ok \gset
\if :ok
\echo EXPLOITED: stock rows reference another yacht location after the backfill
\else
\echo REFUSED
\endif
