SELECT id AS rx FROM pms_inventory_transactions WHERE stock_id = 'a3000000-0000-4000-8000-000000000001' \gset
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-0000000000ce","role":"authenticated"}', true) \gset
SELECT public.is_manager(auth.uid(), public.get_user_yacht_id()) AS chief_is_manager;
SELECT success, quantity_before, quantity_after, error_code FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 20, NULL, 'reversed', jsonb_build_object('reverses_transaction_id', :'rx'));
COMMIT;
