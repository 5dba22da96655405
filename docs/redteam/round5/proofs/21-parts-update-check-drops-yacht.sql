-- 21: a HOD of yacht A moves A's parts into yacht B's catalogue (yacht_id is an updatable column;
-- the policy's WITH CHECK no longer holds it to the own yacht): rows written into another tenant,
-- whose stock rows stay on yacht A (CONTRACT §5, §11.1).  An UPDATE with a WHERE clause needs
-- SELECT, whose policy still checks the new row; PostgREST's PATCH /pms_parts without a filter is
-- a bare UPDATE, which does not.
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
DO $$
DECLARE n integer;
BEGIN
  UPDATE pms_parts SET yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', name = 'Cheap spares - call +1 555 0100';
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE NOTICE '% row(s) updated', n;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'update refused: % %', SQLSTATE, SQLERRM;
END $$;
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT CASE WHEN count(*) > 0 THEN 'EXPLOITED: yacht B''s catalogue now holds a part written by yacht A: ' || min(name)
            ELSE 'REFUSED: yacht B''s catalogue untouched' END AS verdict
FROM pms_parts WHERE id IN ('2cf3d354-028d-52e6-8ec8-e570d968acdb', '67653ae2-dcb3-5265-aeca-41dd829c0aef', '9eff47a2-ff34-583a-9b31-ccb400bbafaa');
ROLLBACK;
