BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true) \gset
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, part_id, transaction_type, quantity_change, user_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'consumed', -25, auth.uid()) RETURNING yacht_id, stock_id;
COMMIT;
SELECT stock_id, yacht_id, quantity, ledger_sum, drift FROM check_inventory_drift();
