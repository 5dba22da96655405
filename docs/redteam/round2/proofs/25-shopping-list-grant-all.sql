INSERT INTO pms_shopping_list_items (yacht_id, part_name, quantity_requested) VALUES ('bbbbbbbb-0000-4000-8000-000000000001', 'Bravo order', 4);
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
TRUNCATE pms_shopping_list_items;
COMMIT;
SELECT count(*) AS rows_left_all_yachts FROM pms_shopping_list_items;
