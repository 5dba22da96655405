-- 10: /rpc/consume_parts_bulk answers success = false (insufficient_stock on line 2) yet line 1's
-- consumption stays booked (CONTRACT §11.3: a refused call leaves no row and no stock change).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE r record; q0 integer; q1 integer;
BEGIN
  SELECT quantity INTO q0 FROM pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  EXECUTE 'SELECT * FROM public.consume_parts_bulk(''[{"stock_id":"b19fff4e-078f-5ec3-89ac-c1df8ca77c9c","quantity":3},
                                                      {"stock_id":"6ea66795-00cc-509f-8826-98b704f9ccc7","quantity":999}]'')' INTO r;
  SELECT quantity INTO q1 FROM pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  IF NOT r.success AND q1 <> q0 THEN
    RAISE NOTICE 'EXPLOITED: call refused (%) but impeller stock moved % -> %', r.error_code, q0, q1;
  ELSE
    RAISE NOTICE 'REFUSED: success=% stock % -> %', r.success, q0, q1;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
