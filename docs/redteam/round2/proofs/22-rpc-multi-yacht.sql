BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}', true) \gset
SELECT public.get_user_yacht_id() AS my_yacht;
SELECT success, quantity_before, quantity_after, error_code FROM public.deduct_stock_inventory('a3000000-0000-4000-8000-000000000001', 20, 'aaaaaaaa-0000-4000-8000-000000000001', 'write_off', '{}');
COMMIT;
