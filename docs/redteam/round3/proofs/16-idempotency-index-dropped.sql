-- 16: the same idempotency key twice on one yacht through direct ledger inserts.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, idempotency_key)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'consumed', -1, :'deckhand_a', 'rt3-16'),
       (:'ya', :'part_impeller_a', :'stock_impeller_a', 'consumed', -1, :'deckhand_a', 'rt3-16');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT count(*) = 2 AS exploited FROM pms_inventory_transactions WHERE idempotency_key = 'rt3-16' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
