-- 40: /rpc/set_part_active reactivates a part and its stock without a signature (CONTRACT §7:
-- deactivate_part / reactivate_part are signed; §11.6 deleted_at changes only with tier, signature,
-- audit row).  Setup (as the owner: the part was deactivated, signed, earlier):
UPDATE pms_parts SET deleted_at = now() WHERE id = '9eff47a2-ff34-583a-9b31-ccb400bbafaa';
UPDATE pms_inventory_stock SET deleted_at = now() WHERE part_id = '9eff47a2-ff34-583a-9b31-ccb400bbafaa';
-- Chief engineer of yacht A, no signature:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
SELECT CASE WHEN success THEN 'EXPLOITED: part and ' || stock_rows || ' stock row(s) reactivated without a signature'
            ELSE 'REFUSED: ' || error_code END AS verdict
FROM public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', true);
ROLLBACK;
