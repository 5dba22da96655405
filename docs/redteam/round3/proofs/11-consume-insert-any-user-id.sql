-- 11: a deckhand books a consumption attributed to the captain.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, notes)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'consumed', -3, :'captain_a', 'rt3-11');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE notes = 'rt3-11' AND user_id = :'captain_a') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
