-- 11: anon (no token at all) calls the new function (EXECUTE is PUBLIC by default) and
-- gets every yacht's name and stock totals.
\ir head.sql
BEGIN;
SET LOCAL ROLE anon;
SELECT 'EXPLOITED' AS verdict FROM public.fleet_inventory_health() WHERE yacht_id = :'yacht_a' \gset
ROLLBACK;
\echo :verdict
