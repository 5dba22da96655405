UPDATE pms_inventory_stock SET deleted_at = now() WHERE id = 'a3000000-0000-4000-8000-000000000001';
BEGIN; SET LOCAL ROLE service_role; SELECT set_config('request.jwt.claims', '{"role":"service_role"}', true) \gset
SELECT success, quantity_before, quantity_after, error_code FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 5, NULL, 'consumed', '{}');
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'adjusted', 3) RETURNING transaction_type, quantity_change;
COMMIT;
SELECT quantity, deleted_at IS NOT NULL AS deactivated FROM pms_inventory_stock WHERE id = 'a3000000-0000-4000-8000-000000000001';
