-- 26: a chief engineer (HOD, not manager) reverses a transaction through the RPC.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT id AS orig FROM pms_inventory_transactions WHERE stock_id = :'stock_impeller_a' AND transaction_type = 'received' LIMIT 1 \gset
SELECT success AS exploited, error_code FROM deduct_stock_inventory(:'stock_impeller_a', 12, :'ya', 'reversed', json_build_object('reverses_transaction_id', :'orig')::jsonb) \gset
\echo error_code=:error_code
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
