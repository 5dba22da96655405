-- 19: a deckhand whose role was deactivated still consumes stock through the RPC.
\ir head.sql
BEGIN;
UPDATE auth_users_roles SET is_active = false WHERE user_id = :'deckhand_a';  -- suspended
:as_deckhand_a
SELECT 'EXPLOITED' AS verdict FROM deduct_stock_inventory(:'impeller_stock_a', 2) WHERE success \gset
ROLLBACK;
\echo :verdict
