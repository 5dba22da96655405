-- Yacht a's captain deactivates a part (signed, audited).  Then an outsider with the anon key
-- truncates the audit log: TRUNCATE is not subject to row-level security.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true);
SELECT * FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', false, 'obsolete',
  jsonb_build_object('user_id', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'role_at_signing', 'captain',
                     'signature_type', 'approval', 'reason', 'obsolete', 'signed_at', now()::text));
COMMIT;
BEGIN;
SET LOCAL ROLE anon;
SELECT set_config('request.jwt.claims', '{"role":"anon"}', true);
TRUNCATE public.pms_audit_log;
COMMIT;
SELECT count(*) = 0 AS ok FROM public.pms_audit_log \gset
\if :ok
\echo EXPLOITED: anon wiped the audit log of every yacht
\else
\echo REFUSED
\endif
