-- 28: a deckhand of yacht a puts yacht b's id in his own user_metadata (any Supabase user can,
-- with supabase.auth.updateUser) and uploads a document into yacht b's parts folder.
\set exploited false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated',
                  'user_metadata', json_build_object('yacht_id', :'yb'))::text, true) \g /dev/null
SAVEPOINT attack;
INSERT INTO storage.objects (bucket_id, name) VALUES ('documents', :'yb' || '/parts/p1/planted.pdf');
\if :ERROR
ROLLBACK TO SAVEPOINT attack;
\endif
RESET ROLE;
SELECT exists (SELECT 1 FROM storage.objects WHERE name = :'yb' || '/parts/p1/planted.pdf') AS exploited \gset
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
