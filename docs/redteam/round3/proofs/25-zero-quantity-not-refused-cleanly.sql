-- 25: deduct_stock_inventory(stock, 0) raises 23514 instead of answering error_code invalid_quantity.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
\set error_code none
SAVEPOINT attack;
SELECT error_code FROM deduct_stock_inventory(:'stock_impeller_a', 0) \gset
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
\echo error_code=:error_code
SELECT :'error_code' <> 'invalid_quantity' AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
