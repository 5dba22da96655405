-- 17: the database takes a signature whose reason and signature_type are empty / null as valid
-- (CONTRACT §7: every field is checked on its own; one left out is invalid).  Manager of yacht A
-- writes off 3 impellers through /rpc/deduct_stock_inventory with an empty reason:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT CASE WHEN success THEN 'EXPLOITED: write-off with reason "" and signature_type null accepted (' || quantity_before || ' -> ' || quantity_after || ')'
            ELSE 'REFUSED: ' || error_code END AS verdict
FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 3, 'cf3df952-f993-5386-8585-4184c42e9285', 'write_off',
  jsonb_build_object('signed_by', auth.uid(), 'signature', jsonb_build_object(
    'user_id', auth.uid()::text, 'role_at_signing', 'manager', 'signature_type', null,
    'reason', '', 'signed_at', now()::text)));
ROLLBACK;
