-- Yacht a's chief engineer also stands in as relief captain on yacht b (data: a role row on b).
-- On yacht a it writes off gaskets with a signature "as captain", a rank it does not hold there.
\set ok false
INSERT INTO public.auth_users_roles (user_id, yacht_id, role, is_active)
VALUES ('2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'captain', true);
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
SELECT success AS ok FROM public.deduct_stock_inventory('6ea66795-00cc-509f-8826-98b704f9ccc7', 4,
  'cf3df952-f993-5386-8585-4184c42e9285', 'write_off',
  jsonb_build_object('signed_by', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06',
    'signature', jsonb_build_object('user_id', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'role_at_signing', 'captain',
                                    'signature_type', 'approval', 'reason', 'corroded', 'signed_at', now()::text))) \gset
COMMIT;
\if :ok
\echo EXPLOITED: signed on yacht a in a role held only on yacht b
\else
\echo REFUSED
\endif
