-- 22: a deckhand books a consumption in the captain's name.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id)
VALUES (:'yacht_a', :'impeller_stock_a', 'consumed', -1, :'captain_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
