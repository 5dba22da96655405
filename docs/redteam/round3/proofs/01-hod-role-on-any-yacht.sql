-- 01: a deckhand of yacht a who also holds 'captain' on yacht b counts as HOD on a.
\set exploited false
BEGIN;
INSERT INTO auth_users_roles (user_id, yacht_id, role) VALUES (:'deckhand_a', :'yb', 'captain');
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, notes)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'adjusted', 50, :'deckhand_a', 'rt3-01');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE notes = 'rt3-01') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
