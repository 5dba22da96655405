-- A deckhand of yacht a consumes 2 filters; yacht a's manager inserts a "reversal" of +500.
\set ok false
\set tx 00000000-0000-0000-0000-000000000000
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT transaction_id AS tx FROM public.deduct_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 2) \gset
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
INSERT INTO public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
  reverses_transaction_id, user_id, signed_by, signature)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '50cd66fc-5834-5e61-a381-1fafd852d6bc', 'reversed', 500, :'tx',
  '51d30c11-e65b-5115-9054-004c70dbc761', '51d30c11-e65b-5115-9054-004c70dbc761',
  jsonb_build_object('user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager',
                     'signature_type', 'approval', 'reason', 'returned', 'signed_at', now()::text));
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_inventory_transactions
 WHERE reverses_transaction_id = :'tx' AND quantity_change <> 2 \gset
\if :ok
\echo EXPLOITED: a reversal that is not the exact opposite of its row
\else
\echo REFUSED
\endif
