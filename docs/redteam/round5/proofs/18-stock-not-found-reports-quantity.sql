-- 18: /rpc/deduct_stock_inventory on another yacht's stock answers stock_not_found, as §6 asks,
-- but carries that stock's quantity in quantity_before / quantity_after (CONTRACT §6, §11.1:
-- function results must not depend on another yacht's data).  Deckhand of yacht A, yacht B's
-- impeller bin:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT CASE WHEN quantity_before IS NOT NULL
            THEN 'EXPLOITED: ' || error_code || ' yet yacht B''s bin quantity is revealed: ' || quantity_before
            ELSE 'REFUSED: ' || error_code || ', no quantity' END AS verdict
FROM public.deduct_stock_inventory('9afc5c79-7a0d-5c6b-94a2-fe852ada7942', 1);
ROLLBACK;
