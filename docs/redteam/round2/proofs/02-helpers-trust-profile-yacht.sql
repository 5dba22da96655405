-- "mover": deckhand on Bravo (profile on Bravo), old captain role on Alpha still active.
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
SELECT public.is_hod(auth.uid(), public.get_user_yacht_id()) AS mover_is_hod_on_bravo,
       public.is_manager(auth.uid(), public.get_user_yacht_id()) AS mover_is_manager_on_bravo;
-- write off Bravo's stock (manager-only direct insert, HOD-only function type)
SELECT success, quantity_before, quantity_after, error_code
FROM public.deduct_stock_inventory('b3000000-0000-4000-8000-000000000001', 25, NULL, 'write_off', '{}');
COMMIT;
SELECT quantity FROM pms_inventory_stock WHERE id = 'b3000000-0000-4000-8000-000000000001';
