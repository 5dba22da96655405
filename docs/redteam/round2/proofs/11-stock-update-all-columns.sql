BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-0000000000ce","role":"authenticated"}', true) \gset
UPDATE pms_inventory_stock SET quantity = 999 WHERE id = 'a3000000-0000-4000-8000-000000000001' RETURNING quantity;
COMMIT;
SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
