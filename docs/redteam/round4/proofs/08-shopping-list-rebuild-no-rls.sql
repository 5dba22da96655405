-- 08: after the rebuild, a deckhand of yacht B reads yacht A's shopping list and adds to it.
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
VALUES (:'yacht_a', :'impeller_a', 'Raw water pump impeller', 3);
RESET ROLE;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM pms_shopping_list_items WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
