BEGIN; SET LOCAL ROLE anon;
SELECT success, quantity_before, quantity_after, error_code FROM public.add_stock_inventory('b3000000-0000-4000-8000-000000000001', 1000, NULL);
COMMIT;
SELECT id, quantity FROM pms_inventory_stock WHERE id = 'b3000000-0000-4000-8000-000000000001';
