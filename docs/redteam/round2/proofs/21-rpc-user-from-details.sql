BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT success, error_code, transaction_id AS tx FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 3, NULL, 'consumed', '{"user_id":"a0000000-0000-4000-8000-00000000000c"}') \gset
SELECT transaction_type, user_id AS booked_to, auth.uid() AS real_caller FROM pms_inventory_transactions WHERE id = :'tx';
COMMIT;
