-- 24: /rpc/check_inventory_drift runs as its owner: a deckhand of yacht A reads yacht B's drift
-- rows (stock ids, parts, quantities) (CONTRACT §3, §11.1).  Yacht B holds a legacy stock row
-- whose quantity its ledger does not account for (data as found, set up by the owner):
UPDATE pms_inventory_stock SET quantity = 15 WHERE id = 'e0079cb2-2512-5065-b828-b663137afae8';
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT CASE WHEN count(*) FILTER (WHERE yacht_id <> 'cf3df952-f993-5386-8585-4184c42e9285') > 0
            THEN 'EXPLOITED: yacht A sees ' || count(*) || ' drift row(s) of yacht B, e.g. stock ' || min(stock_id::text) || ' quantity ' || min(quantity)
            ELSE 'REFUSED: no drift row of another yacht' END AS verdict
FROM public.check_inventory_drift();
ROLLBACK;
