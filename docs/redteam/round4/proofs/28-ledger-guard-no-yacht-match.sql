-- 28: a deckhand of yacht B books a consumption (under B's yacht id and B's part) against
-- yacht A's stock row: a B row references A's stock, and A's ledger sum for it moves.
\ir head.sql
BEGIN;
:as_deckhand_b
INSERT INTO pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type, quantity_change, user_id)
VALUES (:'yacht_b', :'impeller_b', :'impeller_stock_a', 'consumed', -7, :'deckhand_b');
RESET ROLE;
SELECT 'EXPLOITED' AS verdict FROM pms_inventory_transactions
WHERE stock_id = :'impeller_stock_a' AND yacht_id = :'yacht_b' \gset
ROLLBACK;
\echo :verdict
