-- 09: a deckhand creates a stock row holding 500 units with no ledger row (drift).
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
VALUES (:'ya', :'part_filter_a', 'bosun-store', :'loc2_a', 500);
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM check_inventory_drift() WHERE part_id = :'part_filter_a' AND quantity = 500) AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
