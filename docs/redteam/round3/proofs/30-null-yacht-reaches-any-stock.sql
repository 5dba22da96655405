-- 30: a deckhand of yacht a consumes yacht b's stock by passing p_yacht_id => NULL.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT success AS ok, error_code FROM deduct_stock_inventory(:'stock_impeller_b', 5, NULL) \gset
\echo success=:ok error_code=:error_code
RESET ROLE;
SELECT quantity < 12 AS exploited FROM pms_inventory_stock WHERE id = :'stock_impeller_b' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
