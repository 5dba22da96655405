UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = 'a3000000-0000-4000-8000-000000000001';
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT part_name, on_hand, location_count FROM pms_part_stock;
ROLLBACK;
