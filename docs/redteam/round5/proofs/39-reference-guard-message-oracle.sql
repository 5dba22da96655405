-- 39: the cross-yacht reference guard words its refusal differently for another yacht's id and
-- for an id that exists nowhere: a deckhand of yacht A tests whether a uuid is one of yacht B's
-- parts (CONTRACT §11.1: error messages must not depend on another yacht's data).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE m_foreign text; m_absent text;
BEGIN
  BEGIN
    INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
    VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '07889066-4637-5cd3-b551-2f74dbad5c61', 'probe', 1);
  EXCEPTION WHEN OTHERS THEN m_foreign := SQLSTATE || ' ' || SQLERRM;
  END;
  BEGIN
    INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
    VALUES ('cf3df952-f993-5386-8585-4184c42e9285', gen_random_uuid(), 'probe', 1);
  EXCEPTION WHEN OTHERS THEN m_absent := SQLSTATE || ' ' || SQLERRM;
  END;
  IF m_foreign IS DISTINCT FROM m_absent THEN
    RAISE NOTICE 'EXPLOITED: B''s part id -> "%", unknown id -> "%"', m_foreign, m_absent;
  ELSE
    RAISE NOTICE 'REFUSED: same answer for both ("%")', m_foreign;
  END IF;
END $$;
ROLLBACK;
