SELECT id AS rx FROM pms_inventory_transactions WHERE stock_id = 'a3000000-0000-4000-8000-000000000001' \gset
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000c","role":"authenticated"}', true) \gset
SELECT success, error_code, transaction_id AS rev FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 20, NULL, 'reversed', jsonb_build_object('reverses_transaction_id', :'rx')) \gset
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, reverses_transaction_id, user_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000001', 'reversed', 20, :'rev', auth.uid()) RETURNING transaction_type, quantity_change;
COMMIT;
SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
