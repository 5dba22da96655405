-- 42: /rpc/fleet_stock_benchmark returns aggregates over every yacht's stock: with two yachts, the
-- max and median give yacht B's exact on-hand, and moving A's own stock shows B's number changes
-- (CONTRACT §11.1: aggregates must not depend on another yacht's data).
-- Yacht B's deckhand uses 7 fuel filters in B's normal work:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT success, quantity_after FROM public.deduct_stock_inventory('e0079cb2-2512-5065-b828-b663137afae8', 7);
COMMIT;
-- Deckhand of yacht A:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE r record; own integer;
BEGIN
  SELECT quantity INTO own FROM pms_inventory_stock WHERE id = '50cd66fc-5834-5e61-a381-1fafd852d6bc';
  EXECUTE 'SELECT * FROM public.fleet_stock_benchmark(''FF-1180'')' INTO r;
  IF r.yachts IS NOT NULL THEN
    RAISE NOTICE 'EXPLOITED: % yachts stock FF-1180; A holds %, so yacht B holds % (2 x median - own)', r.yachts, own, (2 * r.median_on_hand - own);
  ELSE
    RAISE NOTICE 'REFUSED: no fleet figure';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
