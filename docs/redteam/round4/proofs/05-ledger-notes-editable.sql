-- 05: a deckhand rewrites the notes of a committed ledger row (append-only ledger).
\ir head.sql
BEGIN;
:as_deckhand_a
SELECT transaction_id AS tx FROM deduct_stock_inventory(:'impeller_stock_a', 1, :'yacht_a', 'consumed',
       '{"notes":"used on port genset"}'::jsonb) \gset
UPDATE pms_inventory_transactions SET notes = 'nothing to see here' WHERE id = :'tx';
RESET ROLE;
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_transactions WHERE id = :'tx' AND notes = 'nothing to see here' \gset
ROLLBACK;
\echo :verdict
