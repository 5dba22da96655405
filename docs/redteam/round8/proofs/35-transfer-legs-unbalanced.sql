-- chief_engineer@a books a transfer pair directly: 1 impeller out of the engine-room locker, 10 in
-- at the bosun store -- 9 impellers made out of nothing, committed
\set ON_ERROR_STOP 0
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$ declare g uuid := gen_random_uuid(); s uuid; begin
  insert into public.pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
  values ('cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'bosun-store',
          '8075aa39-0970-5e0b-b13a-540e9c835a2b', 0) returning id into s;
  insert into public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id,
      transfer_group_id, from_location_id, to_location_id)
  values ('cf3df952-f993-5386-8585-4184c42e9285', 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 'transferred_out', -1,
          '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', g, '5889e985-5042-529d-b291-a3358470c333', '8075aa39-0970-5e0b-b13a-540e9c835a2b'),
         ('cf3df952-f993-5386-8585-4184c42e9285', s, 'transferred_in', 10,
          '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', g, '5889e985-5042-529d-b291-a3358470c333', '8075aa39-0970-5e0b-b13a-540e9c835a2b');
  set constraints all immediate;   -- what COMMIT runs: the deferred transfer-pair check
  raise notice 'EXPLOITED: transfer group % of -1/+10 accepted; impeller on hand %', g,
    (select sum(quantity) from public.pms_inventory_stock where part_id = '2cf3d354-028d-52e6-8ec8-e570d968acdb');
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
