-- Data: yacht a withdrew its deckhand's role (is_active = false; the profile stays).
-- The deckhand still consumes through /rpc/deduct_stock_inventory.
\set ok false
UPDATE public.auth_users_roles SET is_active = false
 WHERE user_id = '1129d21c-2c81-5d89-beb7-2b77d2c8b521';
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT success AS ok FROM public.deduct_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 3) \gset
COMMIT;
\if :ok
\echo EXPLOITED: a user with no active role consumed stock
\else
\echo REFUSED
\endif
