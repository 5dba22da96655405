-- An outsider with the public anon key reads a part of yacht b (id from any printed label).
\set ok false
BEGIN;
SET LOCAL ROLE anon;
SELECT set_config('request.jwt.claims', '{"role":"anon"}', true);
SELECT count(*) > 0 AS ok FROM public.part_label_data('07889066-4637-5cd3-b551-2f74dbad5c61') \gset
COMMIT;
\if :ok
\echo EXPLOITED: anon read a part and its on-hand
\else
\echo REFUSED
\endif
