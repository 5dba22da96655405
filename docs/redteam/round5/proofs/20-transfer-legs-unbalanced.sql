-- 20: a transfer group whose legs do not sum to zero commits: the chief engineer of yacht A moves
-- 1 impeller out of the engine-room locker and books 500 into the bosun store, unsigned (CONTRACT
-- §11.3: every transfer_group_id holds one out and one in that sum to zero; §4 large adjustments
-- are signed).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
INSERT INTO pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'bosun-store', '8075aa39-0970-5e0b-b13a-540e9c835a2b', 0);
SELECT set_config('rt.group', gen_random_uuid()::text, true);
SELECT * FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1, 'cf3df952-f993-5386-8585-4184c42e9285', 'transferred_out',
  jsonb_build_object('transfer_group_id', current_setting('rt.group'), 'from_location_id', '5889e985-5042-529d-b291-a3358470c333', 'to_location_id', '8075aa39-0970-5e0b-b13a-540e9c835a2b'));
SELECT * FROM public.add_stock_inventory((SELECT id FROM pms_inventory_stock WHERE location_id = '8075aa39-0970-5e0b-b13a-540e9c835a2b' AND part_id = '2cf3d354-028d-52e6-8ec8-e570d968acdb'), 500, 'cf3df952-f993-5386-8585-4184c42e9285', 'transferred_in',
  jsonb_build_object('transfer_group_id', current_setting('rt.group'), 'from_location_id', '5889e985-5042-529d-b291-a3358470c333', 'to_location_id', '8075aa39-0970-5e0b-b13a-540e9c835a2b'));
COMMIT;
SELECT CASE WHEN sum(s.quantity) = 511 THEN 'EXPLOITED: transfer committed: impellers on yacht A went from 12 to ' || sum(s.quantity)
            ELSE 'REFUSED: transfer rolled back at commit, impellers on yacht A: ' || sum(s.quantity) END AS verdict
FROM pms_inventory_stock s WHERE s.part_id = '2cf3d354-028d-52e6-8ec8-e570d968acdb';
