-- a fired deckhand (profile is_active = false) still reads the yacht's data
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-0000000000ff","role":"authenticated"}', true) \gset
SELECT public.get_user_yacht_id() AS yacht_of_fired_user;
SELECT name, part_number FROM pms_parts;
SELECT transaction_type, quantity_change FROM pms_inventory_transactions;
ROLLBACK;
