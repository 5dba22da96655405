-- Yacht a's chief engineer moves its impeller stock row "to" yacht b's engine-room locker
-- (UPDATE of location_id, a column HODs may update).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
UPDATE public.pms_inventory_stock SET location_id = '9de76cc4-413c-51c4-ac67-e53d6b24eb9a'
 WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_inventory_stock
 WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c' AND location_id = '9de76cc4-413c-51c4-ac67-e53d6b24eb9a' \gset
\if :ok
\echo EXPLOITED: a row of yacht a now references a location of yacht b
\else
\echo REFUSED
\endif
