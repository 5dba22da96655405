BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-0000000000ce","role":"authenticated"}', true) \gset
-- no WHERE: an UPDATE that reads no column needs no SELECT right, so the new row is only held to WITH CHECK
UPDATE pms_parts SET yacht_id = 'bbbbbbbb-0000-4000-8000-000000000001', part_number = 'RECALLED: order from evil-supplier.example';
COMMIT;
SELECT yacht_id, name FROM pms_parts ORDER BY 1;
