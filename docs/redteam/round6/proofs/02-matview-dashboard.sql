-- A deckhand of yacht a opens the reorder dashboard: a materialized view has no row-level security.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM public.mv_monthly_part_movement
 WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b ledger totals readable by yacht a
\else
\echo REFUSED
\endif
