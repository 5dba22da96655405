-- A deckhand of yacht a uploads a file under its own prefix, then "moves" it under yacht b's
-- prefix (an UPDATE with no WHERE reads no column: only the UPDATE policy applies); yacht b's crew
-- now find a planted document among their part files.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
INSERT INTO storage.objects (bucket_id, name, metadata)
VALUES ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/07889066/impeller-recall-notice.pdf', '{}');
UPDATE storage.objects
   SET name = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/parts/07889066/impeller-recall-notice.pdf';
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM storage.objects
 WHERE name = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/parts/07889066/impeller-recall-notice.pdf' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht a wrote an object under yacht b prefix
\else
\echo REFUSED
\endif
