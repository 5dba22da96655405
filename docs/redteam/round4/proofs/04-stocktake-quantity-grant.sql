-- 04: a chief engineer sets a stock quantity by a direct UPDATE: no ledger row, drift.
\ir head.sql
BEGIN;
:as_chief_engineer_a
UPDATE pms_inventory_stock SET quantity = quantity + 500 WHERE id = :'impeller_stock_a';
SELECT 'EXPLOITED' AS verdict FROM check_inventory_drift() WHERE stock_id = :'impeller_stock_a' \gset
ROLLBACK;
\echo :verdict
