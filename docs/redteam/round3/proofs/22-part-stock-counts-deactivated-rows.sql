-- 22: pms_part_stock.on_hand counts a deactivated stock row.
\set exploited false
BEGIN;
INSERT INTO pms_inventory_stock (id, yacht_id, part_id, location, location_id, quantity)
VALUES ('00000000-0000-4000-8000-000000000022', :'ya', :'part_impeller_a', 'bosun-store', :'loc2_a', 0);
SELECT success FROM add_stock_inventory('00000000-0000-4000-8000-000000000022', 5, :'ya') \g /dev/null
UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = '00000000-0000-4000-8000-000000000022';
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT on_hand FROM pms_part_stock WHERE part_id = :'part_impeller_a' \gset
\echo on_hand=:on_hand (active rows hold 12)
SELECT :on_hand <> 12 AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
