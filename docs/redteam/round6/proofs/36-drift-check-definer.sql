-- Data: yacht b has a drifting stock row (a legacy import set the filter count by hand).
-- A deckhand of yacht a calls /rpc/check_inventory_drift and reads yacht b's row.
\set ok false
UPDATE public.pms_inventory_stock SET quantity = 27 WHERE id = 'e0079cb2-2512-5065-b828-b663137afae8';
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM public.check_inventory_drift() WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b drift rows visible to yacht a
\else
\echo REFUSED
\endif
