-- 07: a deckhand rewrites a ledger row he booked (the ledger is no longer append-only).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT transaction_id AS tx FROM deduct_stock_inventory(:'stock_impeller_a', 1) \gset
SAVEPOINT attack;
UPDATE pms_inventory_transactions SET notes = 'rt3-07 rewritten' WHERE id = :'tx';
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_inventory_transactions WHERE notes = 'rt3-07 rewritten') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
