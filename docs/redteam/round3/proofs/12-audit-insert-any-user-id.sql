-- 12: a deckhand forges an audit row in the captain's name.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO pms_audit_log (yacht_id, entity_type, action, user_id, new_values)
VALUES (:'ya', 'part', 'write_off_part', :'captain_a', '{"rt3":"12"}');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM pms_audit_log WHERE new_values ->> 'rt3' = '12' AND user_id = :'captain_a') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
