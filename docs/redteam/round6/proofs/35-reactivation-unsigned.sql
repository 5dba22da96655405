-- Yacht a's captain deactivates the gasket (signed); its chief engineer reactivates it unsigned.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true);
SELECT * FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', false, 'quarantined: suspect batch',
  jsonb_build_object('user_id', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'role_at_signing', 'captain',
                     'signature_type', 'approval', 'reason', 'suspect batch', 'signed_at', now()::text));
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
SELECT success AS ok FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', true, NULL, NULL) \gset
COMMIT;
\if :ok
\echo EXPLOITED: reactivated without a signature
\else
\echo REFUSED
\endif
