-- 13: a chief engineer of yacht B moves yacht A's stock row onto one of B's locations.
\ir head.sql
BEGIN;
:as_chief_engineer_b
SELECT public.set_stock_location(:'impeller_stock_a', :'store_b') AS moved \gset
RESET ROLE;
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_stock
WHERE id = :'impeller_stock_a' AND location_id = :'store_b' \gset
ROLLBACK;
\echo :verdict
