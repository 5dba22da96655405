-- 08: a manager erases audit rows of his yacht.
\set exploited false
BEGIN;
INSERT INTO pms_audit_log (yacht_id, entity_type, action, user_id, new_values)
VALUES (:'ya', 'part', 'write_off_part', :'manager_a', '{"rt3":"08"}');
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'manager_a', 'role', 'authenticated')::text, true) \g /dev/null
SAVEPOINT attack;
DELETE FROM pms_audit_log WHERE new_values ->> 'rt3' = '08';
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT NOT exists (SELECT 1 FROM pms_audit_log WHERE new_values ->> 'rt3' = '08') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
