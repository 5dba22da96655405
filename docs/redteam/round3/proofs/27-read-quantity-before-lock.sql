-- 27: two concurrent consumes of the last 12 units both succeed (quantity read before the lock).
-- Session a holds the row lock; session b (27-read-quantity-before-lock.session_b.sql, started in
-- the background) reads the quantity, waits for the lock, then writes from its stale read.
-- This proof COMMITS (two sessions need it) and cleans up its rows afterwards.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT success AS a_ok FROM deduct_stock_inventory(:'stock_impeller_a', 12, :'ya', 'consumed', '{"notes":"rt3-27"}') \gset
\! psql "$PROOF_DSN" -X -q $PROOF_VARS -f "$PROOF_DIR/27-read-quantity-before-lock.session_b.sql" > /tmp/rt3-27-b.out 2>&1 &
SELECT pg_sleep(1.5) \g /dev/null
COMMIT;
SELECT pg_sleep(1.0) \g /dev/null
\! cat /tmp/rt3-27-b.out
SELECT count(*) = 2 AS exploited FROM pms_inventory_transactions WHERE notes = 'rt3-27' \gset
SELECT quantity, (SELECT sum(quantity_change) FROM pms_inventory_transactions WHERE stock_id = :'stock_impeller_a') AS ledger_sum
FROM pms_inventory_stock WHERE id = :'stock_impeller_a';
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
-- clean up (owner): remove the proof's rows, restore the opening quantity
DELETE FROM pms_inventory_transactions WHERE notes = 'rt3-27';
UPDATE pms_inventory_stock SET quantity = 12 WHERE id = :'stock_impeller_a';
