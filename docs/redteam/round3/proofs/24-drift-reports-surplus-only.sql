-- 24: a shortage (stock 2, ledger 12) is not reported as drift.
\set exploited false
BEGIN;
UPDATE pms_inventory_stock SET quantity = 2 WHERE id = :'stock_impeller_a';
SELECT NOT exists (SELECT 1 FROM check_inventory_drift() WHERE stock_id = :'stock_impeller_a') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
