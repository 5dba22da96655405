BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT success, quantity_before, quantity_after, error_code FROM public.add_stock_inventory('a3000000-0000-4000-8000-000000000001', 50, NULL, 'transferred_in', '{}');
COMMIT;
