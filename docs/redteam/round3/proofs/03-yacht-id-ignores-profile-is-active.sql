-- 03: a deactivated (fired) user still reads the yacht's catalogue and ledger.
\set exploited false
BEGIN;
UPDATE auth_users_profiles SET is_active = false WHERE id = :'deckhand_a';
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT count(*) AS ledger_rows_seen FROM pms_inventory_transactions \gset
\echo ledger rows visible to the deactivated user: :ledger_rows_seen
SELECT :ledger_rows_seen > 0 AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
