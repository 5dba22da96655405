-- 15: a deckhand inserts an 'adjusted' ledger row directly (crew may insert 'consumed' only).
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
       reference_type, user_id)
VALUES (:'yacht_a', :'impeller_stock_a', 'adjusted', 200, 'stocktake', :'deckhand_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
