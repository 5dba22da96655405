-- 17: a deckhand of yacht A stores a label whose path climbs out of A's prefix into B's.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO storage.objects (bucket_id, name, owner)
VALUES ('pms-label-pdfs', :'yacht_a' || '/../' || :'yacht_b' || '/labels/impeller.pdf', :'deckhand_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
