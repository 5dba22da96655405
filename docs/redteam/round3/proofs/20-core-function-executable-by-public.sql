-- 20: anon (no JWT) calls the internal core through /rpc/apply_stock_change and adds
-- 1000 units to yacht b's stock.
\set exploited false
BEGIN;
SET LOCAL ROLE anon;
SAVEPOINT attack;
SELECT success AS ok FROM apply_stock_change(1, :'stock_impeller_b', 1000, NULL, 'received', '{}') \gset
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT quantity > 1000 AS exploited FROM pms_inventory_stock WHERE id = :'stock_impeller_b' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
