-- 15: the same idempotency key books twice on one yacht (two stock rows).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT success AS first FROM add_stock_inventory(:'stock_impeller_a', 5, :'ya', 'received', '{"idempotency_key":"rt3-15"}') \gset
SELECT success AS second, error_code FROM add_stock_inventory(:'stock_filter_a', 5, :'ya', 'received', '{"idempotency_key":"rt3-15"}') \gset
\echo first=:first second=:second error_code=:error_code
RESET ROLE;
SELECT count(*) = 2 AS exploited FROM pms_inventory_transactions WHERE idempotency_key = 'rt3-15' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
