-- 30: a manager writes off stock through the RPC with a signature whose user_id is the captain.
\ir head.sql
BEGIN;
:as_manager_a
SELECT 'EXPLOITED' AS verdict FROM deduct_stock_inventory(:'filter_stock_a', 5, :'yacht_a', 'write_off',
       jsonb_build_object('signature', jsonb_build_object('user_id', :'captain_a', 'role_at_signing', 'manager',
                          'signature_type', 'approval', 'reason', 'damaged', 'signed_at', now()::text)))
WHERE success \gset
ROLLBACK;
\echo :verdict
