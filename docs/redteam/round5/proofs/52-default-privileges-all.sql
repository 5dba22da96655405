-- 52: the new table's privileges come from ALTER DEFAULT PRIVILEGES ... GRANT ALL: authenticated
-- holds TRUNCATE (which RLS does not filter), REFERENCES and TRIGGER on it; a deckhand of yacht A
-- wipes yacht B's supplier list (CONTRACT §11.7: no TRUNCATE, REFERENCES or TRIGGER for API roles).
-- Yacht B's chief engineer records a supplier in B's normal work:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
DO $$ BEGIN
  EXECUTE 'INSERT INTO pms_part_suppliers (yacht_id, part_id, supplier_name) VALUES (''bb0fb680-e2ab-5333-a4af-4a7395ba2dcd'', ''07889066-4637-5cd3-b551-2f74dbad5c61'', ''Antibes Marine'')';
EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'no supplier table: %', SQLERRM;
END $$;
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DO $$
BEGIN
  EXECUTE 'TRUNCATE pms_part_suppliers';
  RAISE NOTICE 'EXPLOITED: yacht A''s deckhand truncated pms_part_suppliers (every yacht''s rows)';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
COMMIT;
