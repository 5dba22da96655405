-- 22: a manager writes off stock with a direct ledger insert whose signed_by (and signature)
-- name the captain, who never signed.
\ir head.sql
BEGIN;
:as_manager_a
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id,
       signature, signed_by)
VALUES (:'yacht_a', :'filter_stock_a', 'write_off', -10, :'manager_a',
        jsonb_build_object('user_id', :'captain_a', 'role_at_signing', 'captain', 'signature_type', 'approval',
                           'reason', 'damaged', 'signed_at', now()::text),
        :'captain_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
