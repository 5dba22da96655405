-- Yacht a's manager writes off 4 gaskets with a signature dated three days ago (a replayed one).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT success AS ok FROM public.deduct_stock_inventory('6ea66795-00cc-509f-8826-98b704f9ccc7', 4,
  'cf3df952-f993-5386-8585-4184c42e9285', 'write_off',
  jsonb_build_object('signed_by', '51d30c11-e65b-5115-9054-004c70dbc761',
    'signature', jsonb_build_object('user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager',
                                    'signature_type', 'approval', 'reason', 'corroded',
                                    'signed_at', (now() - interval '3 days')::text))) \gset
COMMIT;
\if :ok
\echo EXPLOITED: a three-day-old signature accepted
\else
\echo REFUSED
\endif
