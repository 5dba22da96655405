-- 24: a deckhand deletes a part document (deleting documents is HOD-only).
\ir head.sql
BEGIN;
:as_chief_engineer_a
INSERT INTO storage.objects (bucket_id, name, owner)
VALUES ('documents', :'yacht_a' || '/parts/' || :'impeller_a' || '/service-manual.pdf', :'chief_engineer_a');
RESET ROLE;
:as_deckhand_a
DELETE FROM storage.objects WHERE bucket_id = 'documents'
  AND name = :'yacht_a' || '/parts/' || :'impeller_a' || '/service-manual.pdf'
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
