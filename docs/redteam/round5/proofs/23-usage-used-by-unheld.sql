-- 23: a deckhand of yacht A books a usage row in a colleague's name (used_by = the steward)
-- (CONTRACT §11.5: every user-naming column is the caller when an API role writes it).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
BEGIN
  INSERT INTO pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by)
  VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 4, 'lost overboard',
          '369f641b-99c8-5d39-bcb4-da2897ed4be1');
  RAISE NOTICE 'EXPLOITED: usage row written in the steward''s name by the deckhand';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
