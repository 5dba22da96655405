-- 17: a manager reverses the same ledger row twice (direct inserts).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'manager_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT id AS orig FROM pms_inventory_transactions WHERE stock_id = :'stock_impeller_a' AND transaction_type = 'received' LIMIT 1 \gset
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, reverses_transaction_id)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'reversed', -12, :'manager_a', :'orig');
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, reverses_transaction_id)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'reversed', -12, :'manager_a', :'orig');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT count(*) = 2 AS exploited FROM pms_inventory_transactions WHERE reverses_transaction_id = :'orig' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
