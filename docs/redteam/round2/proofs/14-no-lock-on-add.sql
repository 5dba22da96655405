-- two receives of 10 on the same row, the first one still open when the second one reads
\! (psql -X -q -c "BEGIN; SELECT quantity_after FROM add_stock_inventory('a3000000-0000-4000-8000-000000000001', 10, NULL, 'received', '{}'); SELECT pg_sleep(1.5); COMMIT;" > /dev/null &)
SELECT pg_sleep(0.5);
SELECT success, quantity_before, quantity_after FROM add_stock_inventory('a3000000-0000-4000-8000-000000000001', 10, NULL, 'received', '{}');
SELECT pg_sleep(1.5);
SELECT quantity AS final_quantity_expected_40 FROM pms_inventory_stock WHERE id = 'a3000000-0000-4000-8000-000000000001';
SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
