-- 04: /rpc/stock_level checks that the caller is crew somewhere, not that the bin is on the
-- caller's yacht: a deckhand of yacht A reads yacht B's stock (CONTRACT §5, §11.1).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE r record;
BEGIN
  EXECUTE 'SELECT * FROM public.stock_level(''9afc5c79-7a0d-5c6b-94a2-fe852ada7942'')' INTO r;
  IF r IS NOT NULL AND r.quantity IS NOT NULL THEN
    RAISE NOTICE 'EXPLOITED: yacht B''s bin holds % x % at %', r.quantity, r.part_name, r.location_name;
  ELSE
    RAISE NOTICE 'REFUSED: nothing returned for yacht B''s stock';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
