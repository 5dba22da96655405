-- 27: yacht A has a drifting stock row; a deckhand of yacht B calls check_inventory_drift()
-- and gets yacht A's row (stock, part, quantity).
\ir head.sql
BEGIN;
UPDATE pms_inventory_stock SET quantity = quantity + 3 WHERE id = :'filter_stock_a';  -- A's drift
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM check_inventory_drift() WHERE yacht_id = :'yacht_a' \gset
ROLLBACK;
\echo :verdict
