-- "mover" now belongs to Bravo; reads Alpha's stock and ledger through the stale role row
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"c0000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
SELECT public.get_user_yacht_id() AS my_yacht;
SELECT yacht_id, id, quantity FROM pms_inventory_stock ORDER BY 1;
SELECT yacht_id, transaction_type, quantity_change FROM pms_inventory_transactions ORDER BY 1;
ROLLBACK;
