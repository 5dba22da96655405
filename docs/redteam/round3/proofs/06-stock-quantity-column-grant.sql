-- 06: a HOD sets a stock quantity directly (no ledger row): stock and ledger diverge.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
UPDATE pms_inventory_stock SET quantity = quantity + 100 WHERE id = :'stock_impeller_a';
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM check_inventory_drift() WHERE stock_id = :'stock_impeller_a') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
