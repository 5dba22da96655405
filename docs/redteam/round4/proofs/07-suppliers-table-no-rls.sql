-- 07: yacht A's purser records a supplier price; a deckhand of yacht B reads it and deletes it.
\ir head.sql
BEGIN;
:as_purser_a
INSERT INTO pms_part_suppliers (yacht_id, part_id, supplier_name, unit_price)
VALUES (:'yacht_a', :'impeller_a', 'Aurora Marine Supply (negotiated)', 41.50);
RESET ROLE;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM pms_part_suppliers WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
