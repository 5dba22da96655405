BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true);
SELECT public.get_user_yacht_id() AS my_yacht;
SELECT yacht_id, part_name, on_hand FROM pms_part_stock ORDER BY 1;
ROLLBACK;
