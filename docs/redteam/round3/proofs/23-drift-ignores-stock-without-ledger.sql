-- 23: a stock row holding 40 units with no ledger row at all is not reported as drift.
\set exploited false
BEGIN;
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
VALUES (:'ya', :'part_filter_a', 'bosun-store', :'loc2_a', 40);
SELECT NOT exists (SELECT 1 FROM check_inventory_drift() WHERE part_id = :'part_filter_a' AND quantity = 40) AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
