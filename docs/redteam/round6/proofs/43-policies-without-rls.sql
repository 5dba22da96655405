-- Yacht b's chief engineer records its negotiated impeller price; yacht a's deckhand reads it
-- (the table has policies but row-level security was never enabled on it).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
INSERT INTO public.pms_part_suppliers (yacht_id, part_id, supplier_name, unit_price)
VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61', 'Palma Marine Supply', 41.50);
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT count(*) > 0 AS ok FROM public.pms_part_suppliers WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b supplier prices readable by yacht a
\else
\echo REFUSED
\endif
