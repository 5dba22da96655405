-- 05: /rpc/annotate_transaction rewrites an existing ledger row (its notes) (CONTRACT §4
-- append-only, §11.2: no path changes an existing ledger row).  Deckhand of yacht A:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE v_id uuid; before text; after text;
BEGIN
  SELECT id, coalesce(notes, '') INTO v_id, before FROM pms_inventory_transactions
  WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c' ORDER BY created_at LIMIT 1;
  EXECUTE 'SELECT public.annotate_transaction($1, ''opening balance was wrong, ignore'')' USING v_id;
  SELECT coalesce(notes, '') INTO after FROM pms_inventory_transactions WHERE id = v_id;
  IF after IS DISTINCT FROM before THEN
    RAISE NOTICE 'EXPLOITED: ledger row % changed: notes now %', v_id, after;
  ELSE
    RAISE NOTICE 'REFUSED: ledger row unchanged';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
