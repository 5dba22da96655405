-- 02: the request number a crew member of yacht A gets back counts yacht B's shopping-list lines
-- (CONTRACT §11.1: nothing observable depends on another yacht's data, sequence values included).
CREATE FUNCTION pg_temp.crew_adds(p_user text, p_yacht text, p_part text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
  PERFORM set_config('role', 'authenticated', true);
  PERFORM set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  EXECUTE 'INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
           VALUES ($1, $2, ''x'', 1) RETURNING to_jsonb(pms_shopping_list_items.*)' INTO r
    USING p_yacht::uuid, p_part::uuid;
  PERFORM set_config('role', 'none', true);
  RETURN r ->> 'request_no';
END $$;
BEGIN;
-- attacker: deckhand of yacht A adds a line and notes its number
SELECT coalesce(pg_temp.crew_adds('1129d21c-2c81-5d89-beb7-2b77d2c8b521', 'cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb'), '') AS a1 \gset
COMMIT;
BEGIN;
-- yacht B's deckhand adds three lines in its normal work
SELECT pg_temp.crew_adds('66d02bdb-944d-5c6c-89df-84d82e33cb6c', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61');
SELECT pg_temp.crew_adds('66d02bdb-944d-5c6c-89df-84d82e33cb6c', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61');
SELECT pg_temp.crew_adds('66d02bdb-944d-5c6c-89df-84d82e33cb6c', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61');
COMMIT;
BEGIN;
SELECT coalesce(pg_temp.crew_adds('1129d21c-2c81-5d89-beb7-2b77d2c8b521', 'cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb'), '') AS a2 \gset
COMMIT;
SELECT CASE WHEN nullif(:'a2', '')::bigint - nullif(:'a1', '')::bigint = 4
            THEN 'EXPLOITED: yacht A''s request numbers ' || :'a1' || ' -> ' || :'a2' || ' reveal 3 lines added by yacht B'
            ELSE 'REFUSED: no request number counts another yacht''s lines' END AS verdict;
