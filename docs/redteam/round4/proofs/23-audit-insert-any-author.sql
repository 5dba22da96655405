-- 23: a deckhand writes an audit row attributed to the captain.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, new_values)
VALUES (:'yacht_a', 'part', :'impeller_a', 'write_off_part', :'captain_a', '{"approved": true}')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
