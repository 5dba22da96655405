-- Yacht a's deckhand asks for the next internal part number, yacht b's chief engineer creates a
-- part with one, and the answer to yacht a changes: yacht b's activity is observable.
\set ok false
\set n1 x
\set n2 x
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT public.next_part_number() AS n1 \gset
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
INSERT INTO public.pms_parts (yacht_id, name, part_number)
VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'Seacock handle', 'LENS-000001');
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT public.next_part_number() AS n2 \gset
COMMIT;
SELECT :'n1' <> 'x' AND :'n1' <> :'n2' AS ok \gset
\if :ok
\echo EXPLOITED: the answer to yacht a depends on yacht b parts
\else
\echo REFUSED
\endif
