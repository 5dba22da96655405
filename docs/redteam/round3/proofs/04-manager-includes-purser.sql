-- 04: a purser (HOD, not manager) writes off stock directly in the ledger.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'purser_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, notes)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'write_off', -5, :'purser_a', 'rt3-04');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE notes = 'rt3-04') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
