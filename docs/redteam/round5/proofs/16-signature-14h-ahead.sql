-- 16: the database accepts a signature dated 6 hours in the future (CONTRACT §7: signed_at not
-- more than 5 minutes in the future) -- a write-off pre-signed for a time that has not come yet.
-- Manager of yacht A writes off 1 impeller through /rpc/deduct_stock_inventory:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT CASE WHEN success THEN 'EXPLOITED: write-off signed 6 hours ahead accepted (' || quantity_before || ' -> ' || quantity_after || ')'
            ELSE 'REFUSED: ' || error_code END AS verdict
FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1, 'cf3df952-f993-5386-8585-4184c42e9285', 'write_off',
  jsonb_build_object('signed_by', auth.uid(), 'signature', jsonb_build_object(
    'user_id', auth.uid()::text, 'role_at_signing', 'manager', 'signature_type', 'write_off',
    'reason', 'damaged', 'signed_at', (now() + interval '6 hours')::text)));
ROLLBACK;
