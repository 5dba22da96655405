-- A deckhand of yacht a books 3 impellers and 99 gaskets (only 4 in stock) in one batch: the call
-- answers success = false, yet the impellers stay booked.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT success AS batch_success, error_code FROM public.consume_parts_batch(
  '[{"stock_id":"b19fff4e-078f-5ec3-89ac-c1df8ca77c9c","quantity":3},
    {"stock_id":"6ea66795-00cc-509f-8826-98b704f9ccc7","quantity":99}]');
COMMIT;
SELECT (SELECT quantity FROM public.pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c') <> 12
   AND NOT EXISTS (SELECT 1 FROM public.pms_inventory_transactions WHERE stock_id = '6ea66795-00cc-509f-8826-98b704f9ccc7' AND transaction_type = 'consumed')
   AS ok \gset
\if :ok
\echo EXPLOITED: a refused batch (success false) left the impeller consume behind
\else
\echo REFUSED
\endif
