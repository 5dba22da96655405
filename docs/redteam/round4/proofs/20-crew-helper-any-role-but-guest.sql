-- 20: a user whose only role is not a crew rank (an owner's representative) consumes stock.
\ir head.sql
BEGIN;
UPDATE auth_users_roles SET role = 'owner_representative' WHERE user_id = :'guest_a';
:as_guest_a
SELECT 'EXPLOITED' AS verdict FROM deduct_stock_inventory(:'impeller_stock_a', 2) WHERE success \gset
ROLLBACK;
\echo :verdict
