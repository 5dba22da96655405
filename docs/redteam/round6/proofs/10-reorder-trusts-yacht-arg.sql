-- A deckhand of yacht a passes yacht b's id: b's catalogue and on-hand come back.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM public.reorder_suggestions('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd')
 WHERE part_id = '07889066-4637-5cd3-b551-2f74dbad5c61' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b parts and stock returned to yacht a
\else
\echo REFUSED
\endif
