-- 10: a deckhand deactivates a stock row directly (deactivation is a signed HOD action).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
UPDATE pms_inventory_stock SET deleted_at = now(), deleted_by = :'deckhand_a' WHERE id = :'stock_impeller_a';
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT deleted_at IS NOT NULL AS exploited FROM pms_inventory_stock WHERE id = :'stock_impeller_a' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
