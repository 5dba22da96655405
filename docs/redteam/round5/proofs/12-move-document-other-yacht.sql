-- 12: /rpc/move_part_document checks the source path's yacht but not the target's: a HOD of yacht
-- A files an object under yacht B's prefix, where B's crew read it (CONTRACT §5: another yacht's
-- prefix is denied, on every path (§11)).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
INSERT INTO storage.objects (bucket_id, name, owner, metadata)
VALUES ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/impeller/manual.pdf', auth.uid(), '{"note":"planted by yacht A"}');
DO $$
DECLARE ok boolean;
BEGIN
  EXECUTE 'SELECT public.move_part_document($1, $2)' INTO ok
    USING 'cf3df952-f993-5386-8585-4184c42e9285/parts/impeller/manual.pdf',
          'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/parts/impeller/manual.pdf';
  RAISE NOTICE 'move answered %', ok;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'move refused: % %', SQLSTATE, SQLERRM;
END $$;
COMMIT;
-- yacht B's deckhand lists B's part documents:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT CASE WHEN count(*) > 0 THEN 'EXPLOITED: yacht B reads an object yacht A wrote under B''s prefix: ' || min(name)
            ELSE 'REFUSED: nothing of yacht A under yacht B''s prefix' END AS verdict
FROM storage.objects WHERE bucket_id = 'documents' AND metadata ->> 'note' = 'planted by yacht A';
ROLLBACK;
