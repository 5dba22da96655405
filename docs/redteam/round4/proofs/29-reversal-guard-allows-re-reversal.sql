-- 29: a manager reverses the opening receive through the RPC, then reverses that reversal
-- with a direct ledger insert (a reversed row cannot itself be reversed).
\ir head.sql
BEGIN;
SELECT id AS opening FROM pms_inventory_transactions WHERE stock_id = :'impeller_stock_a'
  AND transaction_type = 'received' ORDER BY created_at LIMIT 1 \gset
:as_manager_a
SELECT transaction_id AS rev FROM deduct_stock_inventory(:'impeller_stock_a', 12, :'yacht_a', 'reversed',
       jsonb_build_object('reverses_transaction_id', :'opening', 'signed_by', :'manager_a',
         'signature', jsonb_build_object('user_id', :'manager_a', 'role_at_signing', 'manager',
                                         'signature_type', 'approval', 'reason', 'booked twice', 'signed_at', now()::text))) \gset
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
       reverses_transaction_id, user_id, signature, signed_by)
VALUES (:'yacht_a', :'impeller_stock_a', 'reversed', 12, :'rev', :'manager_a',
        jsonb_build_object('user_id', :'manager_a', 'role_at_signing', 'manager',
                           'signature_type', 'approval', 'reason', 'undo', 'signed_at', now()::text),
        :'manager_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
