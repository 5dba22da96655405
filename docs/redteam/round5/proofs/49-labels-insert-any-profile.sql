-- 49: a guest of yacht A (a role of no tier) stores a label PDF (CONTRACT §5: yacht_labels_insert is
-- operational crew; §2: guest is not operational crew).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"54053630-3149-5caa-b8d9-736fe93f81ee","role":"authenticated"}', true);
DO $$
BEGIN
  INSERT INTO storage.objects (bucket_id, name, owner, metadata)
  VALUES ('pms-label-pdfs', 'cf3df952-f993-5386-8585-4184c42e9285/labels/impeller.pdf', auth.uid(), '{}');
  RAISE NOTICE 'EXPLOITED: a guest stored pms-label-pdfs/cf3df952-.../labels/impeller.pdf';
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'REFUSED: % %', SQLSTATE, SQLERRM;
END $$;
ROLLBACK;
