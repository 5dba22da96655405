-- 46: /rpc/parts_by_popularity returns only yacht A's own parts, but their ORDER depends on yacht
-- B's consumption: A's deckhand sees the list reorder when B consumes (CONTRACT §11.1: nothing an
-- API role observes -- ordering included -- depends on another yacht's data).
CREATE FUNCTION pg_temp.a_order() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  PERFORM set_config('role', 'authenticated', true);
  PERFORM set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
  BEGIN
    EXECUTE 'SELECT string_agg(part_number, '','' ORDER BY ord) FROM public.parts_by_popularity() WITH ORDINALITY AS x(part_id, name, part_number, unit, ord)' INTO r;
  EXCEPTION WHEN OTHERS THEN r := 'error: ' || SQLERRM;
  END;
  PERFORM set_config('role', 'none', true);
  RETURN r;
END $$;
BEGIN;
SELECT pg_temp.a_order() AS before_b \gset
COMMIT;
-- yacht B's deckhand consumes 4 head gaskets in B's normal work
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT success FROM public.deduct_stock_inventory('02f572d3-5988-531a-8fdb-359f6a0336cf', 4);
COMMIT;
BEGIN;
SELECT pg_temp.a_order() AS after_b \gset
COMMIT;
SELECT CASE WHEN :'before_b' NOT LIKE 'error%' AND :'before_b' <> :'after_b'
            THEN 'EXPLOITED: yacht A''s list order ' || :'before_b' || ' -> ' || :'after_b' || ' after yacht B consumed gaskets'
            ELSE 'REFUSED: ' || :'before_b' || ' / ' || :'after_b' END AS verdict;
