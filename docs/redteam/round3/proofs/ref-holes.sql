-- Holes in the UNPATCHED reference that the gate passes (run on proof_ref).  Each block rolls back.
\echo == R1: a direct consumed insert (allowed by §5) changes the ledger but not the stock: drift (§4)
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'consumed', -5, :'deckhand_a');
SELECT stock_id, quantity, ledger_sum, drift FROM check_inventory_drift();
ROLLBACK;
\echo == R2: a HOD books an unsigned write_off through the RPC (§4: write_off needs a signature; §6: RPC holds §4)
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT success, error_code, (SELECT signature FROM pms_inventory_transactions t WHERE t.id = transaction_id) AS signature
FROM deduct_stock_inventory(:'stock_impeller_a', 3, :'ya', 'write_off', '{}');
ROLLBACK;
\echo == R3: the RPC stores a signature and signed_by naming ANOTHER user (the captain) as given by a HOD
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'chief_engineer_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT transaction_id AS w FROM deduct_stock_inventory(:'stock_impeller_a', 3, :'ya', 'write_off',
  json_build_object('signed_by', :'captain_a', 'signature', json_build_object('user_id', :'captain_a', 'role_at_signing', 'captain',
                    'signature_type', 'write_off', 'reason', 'x', 'signed_at', now()))::jsonb) \gset
SELECT user_id AS booked_by, signed_by, signature ->> 'user_id' AS signature_user FROM pms_inventory_transactions WHERE id = :'w';
ROLLBACK;
\echo == R4: 'authenticated' with claims but no sub: the RPC skips the role gate and the yacht scope
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"role":"authenticated"}', true) \g /dev/null
SELECT success, quantity_before, quantity_after FROM add_stock_inventory(:'stock_impeller_b', 500, NULL);
ROLLBACK;
\echo == R5: a manager direct reversed row of +1000 for a consumption of 12 (only the sign is checked)
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'manager_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT transaction_id AS c FROM deduct_stock_inventory(:'stock_impeller_a', 12, :'ya', 'consumed') \gset
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id, reverses_transaction_id)
VALUES (:'ya', :'part_impeller_a', :'stock_impeller_a', 'reversed', 1000, :'manager_a', :'c') RETURNING quantity_change;
ROLLBACK;
