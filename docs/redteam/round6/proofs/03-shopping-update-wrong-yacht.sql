-- Yacht b's deckhand asks for 5 filters; yacht a's chief engineer "cancels all pending lines"
-- (an UPDATE without WHERE reads no column, so only the UPDATE policy applies).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
INSERT INTO public.pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'ef9233a7-2456-5e94-b0f5-70f627630a4c', 'Fuel filter element', 5);
COMMIT;
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
UPDATE public.pms_shopping_list_items SET status = 'cancelled';
COMMIT;
SELECT count(*) > 0 AS ok FROM public.pms_shopping_list_items
 WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' AND status = 'cancelled' \gset
\if :ok
\echo EXPLOITED: yacht a cancelled yacht b shopping list line
\else
\echo REFUSED
\endif
