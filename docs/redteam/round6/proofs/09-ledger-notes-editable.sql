-- Yacht a's chief engineer rewrites the note of an existing ledger row.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
UPDATE public.pms_inventory_transactions SET notes = 'nothing to see here'
 WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_inventory_transactions
 WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c' AND notes = 'nothing to see here' \gset
\if :ok
\echo EXPLOITED: an existing ledger row was changed
\else
\echo REFUSED
\endif
