BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT success, transaction_id AS tx FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 2, NULL, 'consumed', '{"notes":"2 impellers used on port genset"}') \gset
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
UPDATE pms_inventory_transactions SET notes = 'returned to store (never used)' WHERE id = :'tx';
COMMIT;
SELECT transaction_type, quantity_change, notes FROM pms_inventory_transactions WHERE id = :'tx';
