-- Yacht a's chief engineer "counts" 10 impellers where 12 are booked: the stock moves with no
-- ledger row, and the drift check (as the same caller) now reports the row.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
SELECT * FROM public.apply_stock_count('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 10);
SELECT count(*) > 0 AS ok FROM public.check_inventory_drift() \gset
COMMIT;
\if :ok
\echo EXPLOITED: stock changed without its ledger row (drift)
\else
\echo REFUSED
\endif
