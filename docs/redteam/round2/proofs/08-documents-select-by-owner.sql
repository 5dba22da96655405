BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}', true) \gset
SELECT public.get_user_yacht_id() AS my_yacht; SELECT bucket_id, name FROM storage.objects;
ROLLBACK;
