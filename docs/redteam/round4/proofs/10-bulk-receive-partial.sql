-- 10: a bulk receive with one bad line answers success = false, yet the good line's stock
-- change and ledger row stay (PostgREST commits a function call that returns normally).
\ir head.sql
BEGIN;
:as_deckhand_a
SELECT success AS bulk_ok FROM public.bulk_receive(jsonb_build_array(
  jsonb_build_object('stock_id', :'impeller_stock_a', 'quantity', 5, 'idempotency_key', 'dn-4411-1'),
  jsonb_build_object('stock_id', :'filter_stock_a', 'quantity', 0, 'idempotency_key', 'dn-4411-2'))) \gset
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_stock
WHERE id = :'impeller_stock_a' AND quantity = 17 AND :'bulk_ok' = 'f' \gset
ROLLBACK;
\echo :verdict
