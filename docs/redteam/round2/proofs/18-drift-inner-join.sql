INSERT INTO pms_inventory_stock (yacht_id, part_id, location, quantity) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'phantom', 500);
SELECT count(*) AS drift_rows FROM check_inventory_drift(); SELECT stock_id, quantity, ledger_sum, reconciliation_status FROM v_stock_from_transactions WHERE reconciliation_status = 'DRIFT';
