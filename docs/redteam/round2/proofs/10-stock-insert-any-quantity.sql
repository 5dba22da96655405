BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'phantom', NULL, 500) RETURNING id, quantity;
COMMIT;
SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
