-- A deckhand of yacht a sets user_metadata.active_yacht_id to yacht b (self-service in Supabase).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated","user_metadata":{"active_yacht_id":"bb0fb680-e2ab-5333-a4af-4a7395ba2dcd"}}', true);
SELECT count(*) > 0 AS ok FROM public.pms_inventory_stock
 WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' \gset
COMMIT;
\if :ok
\echo EXPLOITED: a user_metadata claim moved the caller onto yacht b
\else
\echo REFUSED
\endif
