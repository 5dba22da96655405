-- 06: a captain rewrites what an audit row says happened.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, new_values)
VALUES (:'yacht_a', 'part', :'impeller_a', 'write_off_part', :'deckhand_a', '{"quantity": 40}')
RETURNING id AS audit_id \gset
RESET ROLE;
:as_captain_a
UPDATE pms_audit_log SET new_values = '{"quantity": 1}' WHERE id = :'audit_id';
RESET ROLE;
SELECT 'EXPLOITED' AS verdict FROM pms_audit_log WHERE id = :'audit_id' AND new_values = '{"quantity": 1}' \gset
ROLLBACK;
\echo :verdict
