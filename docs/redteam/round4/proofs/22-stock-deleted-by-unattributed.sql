-- 22: a chief engineer deactivates a stock row by a direct update naming the captain as deleted_by.
\ir head.sql
BEGIN;
:as_chief_engineer_a
UPDATE pms_inventory_stock SET deleted_at = now(), deleted_by = :'captain_a' WHERE id = :'impeller_stock_a';
RESET ROLE;
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_stock WHERE id = :'impeller_stock_a' AND deleted_by = :'captain_a' \gset
ROLLBACK;
\echo :verdict
