-- A deckhand of yacht a searches by part-number prefix; the OR binds looser than the yacht filter.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM public.search_parts('IMP')
 WHERE id = '07889066-4637-5cd3-b551-2f74dbad5c61' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b's impeller is in yacht a's search results
\else
\echo REFUSED
\endif
