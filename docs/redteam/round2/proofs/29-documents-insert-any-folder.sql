BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
INSERT INTO storage.objects (bucket_id, name) VALUES ('documents', 'aaaaaaaa-0000-4000-8000-000000000001/crew/passport-scan.pdf');
COMMIT;
SELECT bucket_id, name FROM storage.objects;
