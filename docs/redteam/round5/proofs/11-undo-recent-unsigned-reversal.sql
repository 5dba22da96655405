-- 11: /rpc/undo_recent_entry books a 'reversed' ledger row for a deckhand, unsigned (CONTRACT §4:
-- reversed rows are signed; §5/§7: reversal is a manager's).  A deckhand of yacht A consumes 5,
-- then undoes it alone.
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE c record; r record;
BEGIN
  SELECT * INTO c FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 5);
  EXECUTE 'SELECT * FROM public.undo_recent_entry($1)' INTO r USING c.transaction_id;
  IF r.success AND EXISTS (SELECT 1 FROM pms_inventory_transactions WHERE id = r.transaction_id
                           AND transaction_type = 'reversed' AND signature IS NULL) THEN
    RAISE NOTICE 'EXPLOITED: deckhand booked unsigned reversal %', r.transaction_id;
  ELSE
    RAISE NOTICE 'REFUSED: %', r;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
