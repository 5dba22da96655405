-- 21: a deckhand creates a stock row holding 500 units: no ledger row accounts for them.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
VALUES (:'yacht_a', :'impeller_a', 'bosun-store', :'store_a', 500);
SELECT 'EXPLOITED' AS verdict FROM check_inventory_drift() WHERE part_id = :'impeller_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
