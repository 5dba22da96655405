-- Yacht a's chief engineer (HOD, not manager) inserts a signed 'reversed' ledger row directly.
\set ok false
\set tx 00000000-0000-0000-0000-000000000000
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT transaction_id AS tx FROM public.deduct_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 2) \gset
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
INSERT INTO public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
  reverses_transaction_id, user_id, signed_by, signature)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '50cd66fc-5834-5e61-a381-1fafd852d6bc', 'reversed', 2, :'tx',
  '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06',
  jsonb_build_object('user_id', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'role_at_signing', 'chief_engineer',
                     'signature_type', 'approval', 'reason', 'returned', 'signed_at', now()::text));
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_inventory_transactions WHERE reverses_transaction_id = :'tx' \gset
\if :ok
\echo EXPLOITED: a HOD who is not a manager booked a reversal directly
\else
\echo REFUSED
\endif
