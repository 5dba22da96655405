-- 15: a deactivated stock row accepts an UPDATE (its location) (CONTRACT §4: a deactivated stock
-- row refuses every mutation, whoever asks).  Chief engineer of yacht A deactivates the gasket
-- part (signed, through set_part_active), then moves its deactivated stock row.
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
DO $$
DECLARE r record; n integer;
BEGIN
  SELECT * INTO r FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', false, 'obsolete',
    jsonb_build_object('user_id', auth.uid()::text, 'role_at_signing', 'chief_engineer', 'signature_type', 'approval',
                       'reason', 'obsolete', 'signed_at', now()::text));
  RAISE NOTICE 'deactivated: %', r;
  UPDATE pms_inventory_stock SET location_id = '8075aa39-0970-5e0b-b13a-540e9c835a2b', location = 'bosun-store'
  WHERE id = '6ea66795-00cc-509f-8826-98b704f9ccc7';
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 1 AND r.success THEN
    RAISE NOTICE 'EXPLOITED: deactivated stock row 6ea66795-... updated (moved to bosun-store)';
  ELSE
    RAISE NOTICE 'REFUSED: % rows updated', n;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
