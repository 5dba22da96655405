-- 33: a deckhand consumes on yacht A, is moved to yacht B, and still reads yacht A's ledger rows.
\ir head.sql
BEGIN;
:as_deckhand_a
SELECT transaction_id AS tx FROM deduct_stock_inventory(:'impeller_stock_a', 1) \gset
RESET ROLE;
UPDATE auth_users_profiles SET yacht_id = :'yacht_b' WHERE id = :'deckhand_a';   -- crew change
UPDATE auth_users_roles SET yacht_id = :'yacht_b' WHERE user_id = :'deckhand_a';
:as_deckhand_a
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_transactions WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
