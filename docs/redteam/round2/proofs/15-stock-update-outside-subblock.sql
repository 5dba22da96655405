BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT success, quantity_before, quantity_after, error_code FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 7, NULL, 'consumed', '{"usage_id":"12345678-1234-4234-8234-123456789abc"}');
COMMIT;
SELECT quantity FROM pms_inventory_stock WHERE id = 'a3000000-0000-4000-8000-000000000001'; SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
