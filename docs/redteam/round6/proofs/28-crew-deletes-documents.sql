-- The chief engineer of yacht a files a certificate; a deckhand of yacht a deletes it (delete is HOD only).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
INSERT INTO storage.objects (bucket_id, name, metadata)
VALUES ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/2cf3d354-028d-52e6-8ec8-e570d968acdb/class-certificate.pdf', '{}');
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
DELETE FROM storage.objects WHERE name LIKE 'cf3df952-f993-5386-8585-4184c42e9285/parts/%';
COMMIT;
SELECT count(*) = 0 AS ok FROM storage.objects WHERE name LIKE 'cf3df952-f993-5386-8585-4184c42e9285/parts/%' \gset
\if :ok
\echo EXPLOITED: a deckhand deleted a part document
\else
\echo REFUSED
\endif
