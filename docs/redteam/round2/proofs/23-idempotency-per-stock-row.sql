BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000c","role":"authenticated"}', true) \gset
SELECT success, error_code FROM public.add_stock_inventory('a3000000-0000-4000-8000-000000000001', 10, NULL, 'received', '{"idempotency_key":"DN-4711"}');
SELECT success, error_code FROM public.add_stock_inventory('a3000000-0000-4000-8000-000000000002', 10, NULL, 'received', '{"idempotency_key":"DN-4711"}');
COMMIT;
SELECT stock_id, idempotency_key, quantity_change FROM pms_inventory_transactions WHERE idempotency_key = 'DN-4711';
