-- 03: /rpc/part_number_available answers about every yacht's catalogue: a crew member of yacht A
-- learns which part numbers yacht B stocks (CONTRACT §11.1: function results must not depend on
-- another yacht's data).
-- Yacht B's chief engineer adds a part in B's normal work:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
INSERT INTO pms_parts (yacht_id, name, part_number) VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'Stabiliser seal kit', 'STAB-SEAL-77');
COMMIT;
-- The attacker, a deckhand of yacht A:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
DECLARE taken boolean; free boolean;
BEGIN
  EXECUTE 'SELECT NOT public.part_number_available(''STAB-SEAL-77'')' INTO taken;
  EXECUTE 'SELECT public.part_number_available(''NO-SUCH-PART-1'')' INTO free;
  IF taken AND free THEN
    RAISE NOTICE 'EXPLOITED: part number STAB-SEAL-77 is reported taken: yacht B stocks it';
  ELSE
    RAISE NOTICE 'REFUSED: answer does not depend on yacht B (taken=%, free=%)', taken, free;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
