-- 07: a foreign key added after 310 is not covered by trg_references_own_yacht (created for the
-- foreign keys that existed then): a deckhand of yacht A files a shopping-list line pointing at
-- yacht B's location, and the success / 23503 answer tells whether an id is a location of any
-- yacht (CONTRACT §11.1: no row references another yacht's row; conflicts must not depend on
-- another yacht's data).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
BEGIN
  EXECUTE 'INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, deliver_to_location_id)
           VALUES (''cf3df952-f993-5386-8585-4184c42e9285'', ''2cf3d354-028d-52e6-8ec8-e570d968acdb'', ''impeller'', 1,
                   ''9de76cc4-413c-51c4-ac67-e53d6b24eb9a'')';
  RAISE NOTICE 'EXPLOITED: yacht A''s shopping-list line now references yacht B''s location 9de76cc4-...';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
