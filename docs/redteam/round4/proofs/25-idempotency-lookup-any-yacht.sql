-- 25: yacht A received with key K; yacht B's receive with K is refused as a duplicate and the
-- answer carries yacht A's transaction id.
\ir head.sql
BEGIN;
:as_deckhand_a
SELECT transaction_id AS a_tx FROM add_stock_inventory(:'impeller_stock_a', 1, :'yacht_a', 'received',
       '{"idempotency_key": "delivery-2026-12-07"}') \gset
RESET ROLE;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM add_stock_inventory(:'impeller_stock_b', 1, :'yacht_b', 'received',
       '{"idempotency_key": "delivery-2026-12-07"}')
WHERE NOT success AND error_code = 'duplicate_request' AND transaction_id = :'a_tx' \gset
ROLLBACK;
\echo :verdict
