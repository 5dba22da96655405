BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
INSERT INTO pms_audit_log (yacht_id, entity_type, action, user_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'part', 'write_off_part', 'a0000000-0000-4000-8000-00000000000c') RETURNING action, user_id;
COMMIT;
