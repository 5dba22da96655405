-- 53: /rpc/purge_audit_log lets a manager delete the yacht's audit rows -- with any interval, e.g.
-- '0 seconds', the whole trail including the record of what they did a moment ago (CONTRACT
-- §11.2: no path changes or deletes an existing audit row).  Manager of yacht A: an audited act,
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
INSERT INTO pms_audit_log (yacht_id, entity_type, entity_id, action, user_id)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'part', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'write_off_part', auth.uid());
COMMIT;
-- then the purge:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
DO $$
DECLARE n integer; before integer; after integer;
BEGIN
  SELECT count(*) INTO before FROM pms_audit_log;
  EXECUTE 'SELECT public.purge_audit_log(interval ''0 seconds'')' INTO n;
  SELECT count(*) INTO after FROM pms_audit_log;
  IF after < before THEN
    RAISE NOTICE 'EXPLOITED: % audit row(s) deleted (% -> %)', n, before, after;
  ELSE
    RAISE NOTICE 'REFUSED: audit rows % -> %', before, after;
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
COMMIT;
