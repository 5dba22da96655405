BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
DELETE FROM storage.objects WHERE bucket_id = 'documents' RETURNING name;
COMMIT;
