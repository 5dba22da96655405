-- 19: a 'reversed' row no longer carries exactly the opposite of the row it reverses: the manager
-- of yacht A "reverses" a receipt of 12 by taking back 1, and the receipt can never be reversed
-- properly again (CONTRACT §4: reversed = opposite of the reversed row; reversal at most once).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
SELECT CASE WHEN r.success
            THEN 'EXPLOITED: reversal of ' || t.quantity_change || ' booked as -1 (' || r.quantity_before || ' -> ' || r.quantity_after || ')'
            ELSE 'REFUSED: ' || r.error_code END AS verdict
FROM (SELECT id, quantity_change FROM pms_inventory_transactions
      WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c' ORDER BY created_at LIMIT 1) t,
LATERAL public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1, 'cf3df952-f993-5386-8585-4184c42e9285', 'reversed',
  jsonb_build_object('reverses_transaction_id', t.id, 'signed_by', auth.uid(), 'signature', jsonb_build_object(
    'user_id', auth.uid()::text, 'role_at_signing', 'manager', 'signature_type', 'reversal',
    'reason', 'one unit returned', 'signed_at', now()::text))) r;
ROLLBACK;
