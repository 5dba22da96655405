-- 19: a deckhand of yacht a books a consumption against yacht b's stock row (b's ledger drifts).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, notes)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_b', 'consumed', -7, :'deckhand_a', 'rt3-19');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM check_inventory_drift() WHERE stock_id = :'stock_impeller_b') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
