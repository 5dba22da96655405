-- Yacht a's chief engineer PATCHes a stock row's quantity through PostgREST: no ledger row.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
UPDATE public.pms_inventory_stock SET quantity = 100 WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
COMMIT;
SELECT count(*) > 0 AS ok FROM public.check_inventory_drift() WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c' \gset
\if :ok
\echo EXPLOITED: quantity changed by a direct UPDATE, without its ledger row
\else
\echo REFUSED
\endif
