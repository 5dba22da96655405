-- 18: a manager reverses a reversal (direct insert; the RPC still refuses it).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'manager_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT id AS orig FROM pms_inventory_transactions WHERE stock_id = :'stock_impeller_a' AND transaction_type = 'received' LIMIT 1 \gset
SELECT transaction_id AS rev FROM deduct_stock_inventory(:'stock_impeller_a', 12, :'ya', 'reversed', json_build_object('reverses_transaction_id', :'orig')::jsonb) \gset
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, reverses_transaction_id)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'reversed', 12, :'manager_a', :'rev');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE reverses_transaction_id = :'rev') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
