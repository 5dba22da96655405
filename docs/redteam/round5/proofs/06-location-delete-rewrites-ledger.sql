-- 06: deleting a location silently rewrites the ledger rows that name it (from/to_location_id set
-- NULL by the foreign key's action): CONTRACT §4 append-only, §11.2 no path changes a ledger row.
-- Chief engineer of yacht A: a new location, a ledger row naming it (a delivery received
-- 'from' the temporary bin), then the location is deleted.
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
DO $$
DECLARE v_loc uuid; v_tx uuid; v_before uuid; v_after uuid; v_group uuid := gen_random_uuid(); v_stock uuid;
BEGIN
  INSERT INTO pms_part_locations (yacht_id, name) VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'tmp-bin') RETURNING id INTO v_loc;
  -- a ledger row naming the location without a stock row there: a 'received' delivery noted as
  -- coming from the temporary bin (to_location/from_location are informational)
  SELECT transaction_id INTO v_tx FROM public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1,
      'cf3df952-f993-5386-8585-4184c42e9285', 'received', jsonb_build_object('from_location_id', v_loc));
  SELECT from_location_id INTO v_before FROM pms_inventory_transactions WHERE id = v_tx;
  BEGIN
    EXECUTE 'DELETE FROM pms_part_locations WHERE id = $1' USING v_loc;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'delete refused: % %', SQLSTATE, SQLERRM;
  END;
  SELECT from_location_id INTO v_after FROM pms_inventory_transactions WHERE id = v_tx;
  IF v_before IS NOT NULL AND v_after IS NULL THEN
    RAISE NOTICE 'EXPLOITED: ledger row % rewritten: from_location_id % -> NULL', v_tx, v_before;
  ELSE
    RAISE NOTICE 'REFUSED: ledger row % unchanged (from_location_id % -> %)', v_tx, v_before, v_after;
  END IF;
END $$;
ROLLBACK;
