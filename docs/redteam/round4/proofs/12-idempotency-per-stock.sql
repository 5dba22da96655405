-- 12: a chief engineer books the same idempotency key twice on one yacht (two stock rows).
\ir head.sql
BEGIN;
:as_chief_engineer_a
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
       idempotency_key, user_id)
VALUES (:'yacht_a', :'impeller_stock_a', 'received', 4, 'po-9001', :'chief_engineer_a');
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
       idempotency_key, user_id)
VALUES (:'yacht_a', :'filter_stock_a', 'received', 4, 'po-9001', :'chief_engineer_a');
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_transactions
WHERE yacht_id = :'yacht_a' AND idempotency_key = 'po-9001' HAVING count(*) = 2 \gset
ROLLBACK;
\echo :verdict
