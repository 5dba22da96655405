-- Yacht a's chief engineer renames its engine-room-locker: yacht b's stock rows at its own
-- location of the same name are rewritten too.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
UPDATE public.pms_part_locations SET name = 'ER locker (pwned)' WHERE id = '5889e985-5042-529d-b291-a3358470c333';
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_inventory_stock
 WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' AND location = 'ER locker (pwned)' \gset
\if :ok
\echo EXPLOITED: yacht a rename rewrote yacht b stock rows
\else
\echo REFUSED
\endif
