-- 02: a deckhand whose role was deactivated still consumes stock through the RPC.
\set exploited false
BEGIN;
UPDATE auth_users_roles SET is_active = false WHERE user_id = :'deckhand_a';
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT success AS exploited, error_code FROM deduct_stock_inventory(:'stock_impeller_a', 1) \gset
\echo error_code=:error_code
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
