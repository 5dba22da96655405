-- Yacht b's chief engineer catalogues a Jabsco impeller; yacht a's chief engineer then probes the
-- same manufacturer/part number: the insert fails on yacht b's row (existence oracle).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
INSERT INTO public.pms_parts (yacht_id, name, part_number, manufacturer)
VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'Impeller kit', '18653-0001', 'Jabsco');
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
DO $$
BEGIN
  INSERT INTO public.pms_parts (yacht_id, name, part_number, manufacturer)
  VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'Impeller kit', '18653-0001', 'Jabsco');
  PERFORM set_config('rt.result', 'inserted', false);
EXCEPTION WHEN unique_violation THEN
  PERFORM set_config('rt.result', 'conflict', false);
END $$;
COMMIT;
SELECT current_setting('rt.result', true) = 'conflict' AS ok \gset
\if :ok
\echo EXPLOITED: yacht a insert hit yacht b row (unique conflict across tenants)
\else
\echo REFUSED
\endif
