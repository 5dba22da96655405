BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', json_build_object('sub', :'deckhand_a', 'role', 'authenticated')::text, true) \g /dev/null
SELECT 'session b' AS who, success, quantity_before, quantity_after, error_code
FROM deduct_stock_inventory(:'stock_impeller_a', 12, :'ya', 'consumed', '{"notes":"rt3-27"}');
COMMIT;
