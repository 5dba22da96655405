-- 13: a chief engineer of yacht a with a left-over captain role on yacht b books receipts on b.
\set exploited false
BEGIN;
INSERT INTO auth_users_roles (user_id, yacht_id, role) VALUES (:'chief_engineer_a', :'yb', 'captain');
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, notes)
VALUES (:'yb', :'part_impeller_b', :'stock_impeller_b', 'received', 40, :'chief_engineer_a', 'rt3-13');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE notes = 'rt3-13' AND yacht_id = :'yb') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
