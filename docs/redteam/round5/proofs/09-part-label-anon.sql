-- 09: /rpc/part_label is executable by anon (the public anon key) and answers for any yacht's
-- part (CONTRACT §6/§11: anon gets nothing; §11.1).  The caller holds no login at all:
BEGIN;
SET LOCAL ROLE anon;
SELECT set_config('request.jwt.claims', '{"role":"anon"}', true);
DO $$
DECLARE r record;
BEGIN
  EXECUTE 'SELECT * FROM public.part_label(''07889066-4637-5cd3-b551-2f74dbad5c61'')' INTO r;
  IF r.name IS NOT NULL THEN
    RAISE NOTICE 'EXPLOITED: anon reads yacht B''s part: % %', r.part_number, r.name;
  ELSE
    RAISE NOTICE 'REFUSED: nothing returned';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
