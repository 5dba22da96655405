-- put Bravo's stock out of line with its ledger (as owner), then look as Alpha's deckhand
UPDATE pms_inventory_stock SET quantity = 31 WHERE id = 'b3000000-0000-4000-8000-000000000001';
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-00000000000d","role":"authenticated"}', true);
SELECT public.get_user_yacht_id() AS my_yacht;
SELECT * FROM public.check_inventory_drift();
ROLLBACK;
