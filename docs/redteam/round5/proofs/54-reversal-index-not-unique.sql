-- 54: without the unique index a direct ledger insert (§5 manager_insert_writeoff_reversed) reverses
-- the same row twice (CONTRACT §4: a row can be reversed at most once).  Manager of yacht A reverses
-- a consume of 2 twice, signed, by direct insert:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
DO $$
DECLARE c record; n integer := 0;
  sig jsonb := jsonb_build_object('user_id', auth.uid()::text, 'role_at_signing', 'manager', 'signature_type', 'reversal',
                                  'reason', 'booked twice', 'signed_at', now()::text);
BEGIN
  SELECT * INTO c FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2);
  FOR i IN 1..2 LOOP
    BEGIN
      INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, reverses_transaction_id,
                                              signature, signed_by, user_id)
      VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 'reversed', 2, c.transaction_id,
              sig, auth.uid(), auth.uid());
      n := n + 1;
    EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'reversal % refused: % %', i, SQLSTATE, SQLERRM;
    END;
  END LOOP;
  IF n = 2 THEN
    RAISE NOTICE 'EXPLOITED: transaction % reversed twice (stock now %)', c.transaction_id,
      (SELECT quantity FROM pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c');
  ELSE
    RAISE NOTICE 'REFUSED: % reversal(s) booked', n;
  END IF;
END $$;
ROLLBACK;
