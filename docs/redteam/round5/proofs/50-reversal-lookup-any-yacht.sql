-- 50: /rpc/add_stock_inventory(..., 'reversed', {reverses_transaction_id}) looks the reversed row up
-- on any yacht: the manager of yacht A gets invalid_reversal for one of yacht B's transaction ids
-- and transaction_not_found for an unknown id (CONTRACT §6/§11.1: answers must not depend on
-- another yacht's data; another yacht's transaction is not found).
SELECT set_config('rt.b_tx', (SELECT id::text FROM pms_inventory_transactions
                              WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' LIMIT 1), false);
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
DO $$
DECLARE b_tx uuid; e_foreign text; e_unknown text;
  sig jsonb := jsonb_build_object('user_id', auth.uid()::text, 'role_at_signing', 'manager', 'signature_type', 'reversal',
                                  'reason', 'probe', 'signed_at', now()::text);
BEGIN
  b_tx := current_setting('rt.b_tx')::uuid;  -- one of yacht B's ids (seen on a shared delivery note)
  SELECT error_code INTO e_foreign FROM public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 12,
    'cf3df952-f993-5386-8585-4184c42e9285', 'reversed', jsonb_build_object('reverses_transaction_id', b_tx, 'signed_by', auth.uid(), 'signature', sig));
  SELECT error_code INTO e_unknown FROM public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 12,
    'cf3df952-f993-5386-8585-4184c42e9285', 'reversed', jsonb_build_object('reverses_transaction_id', gen_random_uuid(), 'signed_by', auth.uid(), 'signature', sig));
  IF e_foreign IS DISTINCT FROM e_unknown THEN
    RAISE NOTICE 'EXPLOITED: yacht B''s transaction -> %, unknown id -> %', e_foreign, e_unknown;
  ELSE
    RAISE NOTICE 'REFUSED: both answered %', e_foreign;
  END IF;
END $$;
ROLLBACK;
