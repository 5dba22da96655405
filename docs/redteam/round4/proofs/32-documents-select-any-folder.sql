-- 32: the office stores crew contracts under documents/{yacht}/crew/...; a deckhand reads them
-- (part documents live under {yacht}/parts/ only; other folders are denied).
\ir head.sql
BEGIN;
INSERT INTO storage.objects (bucket_id, name, metadata)
VALUES ('documents', :'yacht_a' || '/crew/contracts/captain-2026.pdf', '{"size": 1}');  -- service upload
:as_deckhand_a
SELECT 'EXPLOITED' AS verdict FROM storage.objects
WHERE bucket_id = 'documents' AND name = :'yacht_a' || '/crew/contracts/captain-2026.pdf' \gset
ROLLBACK;
\echo :verdict
