-- A deckhand of yacht a books usage of 4 gaskets in the captain's name.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
INSERT INTO public.pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '9eff47a2-ff34-583a-9b31-ccb400bbafaa', 4, 'head overhaul',
        'cbc1797b-bd98-5097-a668-eda3a5cc0f12');
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_part_usage WHERE used_by = 'cbc1797b-bd98-5097-a668-eda3a5cc0f12' \gset
\if :ok
\echo EXPLOITED: a usage row names the captain, written by a deckhand
\else
\echo REFUSED
\endif
