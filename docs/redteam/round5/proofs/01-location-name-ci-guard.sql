-- 01: a HOD of yacht A learns which location names yacht B uses (CONTRACT §11.1: whether a write
-- hits a unique conflict must not depend on another yacht's data).
-- Yacht B's chief engineer creates a location "Lazarette" in B's normal work:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
INSERT INTO pms_part_locations (yacht_id, name) VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'Lazarette');
COMMIT;
-- The attacker, chief engineer of yacht A, probes the name on its own yacht:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
DO $$
BEGIN
  INSERT INTO pms_part_locations (yacht_id, name) VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'lazarette');
  RAISE NOTICE 'REFUSED: the insert on A succeeded, nothing learnt about B';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'EXPLOITED: % (%): yacht B has a location named lazarette', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
