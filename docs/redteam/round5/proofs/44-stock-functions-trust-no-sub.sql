-- 44: /rpc/deduct_stock_inventory called as authenticated with claims that carry no sub is taken for
-- the backend: no tier gate, no yacht scope -- it consumes yacht B's stock (CONTRACT §11.4: a
-- token or claims set without sub gets nothing; §6 another yacht's stock is never reached).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"role":"authenticated"}', true);
SELECT CASE WHEN success THEN 'EXPLOITED: yacht B''s impeller stock ' || quantity_before || ' -> ' || quantity_after || ' with claims without sub'
            ELSE 'REFUSED: ' || error_code END AS verdict
FROM public.deduct_stock_inventory('9afc5c79-7a0d-5c6b-94a2-fe852ada7942', 5, 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd');
ROLLBACK;
