-- 14: a deckhand of yacht a holding a 'manager' role on yacht b reads b's ledger.
\set exploited false
BEGIN;
INSERT INTO auth_users_roles (user_id, yacht_id, role) VALUES (:'deckhand_a', :'yb', 'manager');
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT count(*) AS foreign_rows FROM pms_inventory_transactions WHERE yacht_id = :'yb' \gset
\echo yacht b ledger rows visible: :foreign_rows
SELECT :foreign_rows > 0 AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
