-- 22: is_hod counts a role whose is_active is false: a captain of yacht A demoted to deckhand
-- (captain role switched off, deckhand role added) still adjusts stock as a HOD (CONTRACT §2: an
-- ACTIVE role among the tier's).  Setup (the yacht's admin, as the owner): the demotion.
INSERT INTO auth_users_roles (user_id, yacht_id, role, is_active)
VALUES ('cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'cf3df952-f993-5386-8585-4184c42e9285', 'deckhand', true);
UPDATE auth_users_roles SET is_active = false
WHERE user_id = 'cbc1797b-bd98-5097-a668-eda3a5cc0f12' AND role = 'captain';
-- The former captain, now a deckhand, adjusts stock (HOD only) through /rpc/add_stock_inventory:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true);
SELECT CASE WHEN success THEN 'EXPLOITED: demoted captain booked an adjustment ' || quantity_before || ' -> ' || quantity_after
            ELSE 'REFUSED: ' || error_code END AS verdict
FROM public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 5, 'cf3df952-f993-5386-8585-4184c42e9285', 'adjusted');
ROLLBACK;
