-- 18: a deckhand whose profile was deactivated (left the yacht) still reads its ledger.
\ir head.sql
BEGIN;
UPDATE auth_users_profiles SET is_active = false WHERE id = :'deckhand_a';  -- the office offboards them
:as_deckhand_a
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_transactions WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
