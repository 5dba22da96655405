-- 21: a deckhand of yacht a reads yacht b's drift rows (stock ids, quantities).
\set exploited false
BEGIN;
UPDATE pms_inventory_stock SET quantity = quantity + 7 WHERE id = :'stock_impeller_b';
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT count(*) > 0 AS exploited FROM check_inventory_drift() WHERE yacht_id = :'yb' \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
