BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-0000000000ce","role":"authenticated"}', true) \gset
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id, notes) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'a3000000-0000-4000-8000-000000000002', 'adjusted', 0+5, 'a0000000-0000-4000-8000-00000000000d', 'found in bilge') RETURNING transaction_type, user_id;
COMMIT;
