-- Yacht a's manager deactivates a part (signed, audited), then "purges" with a negative retention.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT * FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', false, 'obsolete',
  jsonb_build_object('user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager',
                     'signature_type', 'approval', 'reason', 'obsolete', 'signed_at', now()::text));
COMMIT;
SELECT count(*) AS audit_before FROM public.pms_audit_log WHERE yacht_id = 'cf3df952-f993-5386-8585-4184c42e9285' \gset
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT public.purge_audit_log(interval '-1 hour');
COMMIT;
SELECT :audit_before > 0 AND count(*) < :audit_before AS ok FROM public.pms_audit_log
 WHERE yacht_id = 'cf3df952-f993-5386-8585-4184c42e9285' \gset
\if :ok
\echo EXPLOITED: the manager deleted audit rows
\else
\echo REFUSED
\endif
