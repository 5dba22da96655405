\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare q int; begin
  insert into public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change,
      from_location_id, to_location_id, transfer_group_id)
  values ('cf3df952-f993-5386-8585-4184c42e9285', 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 'transferred_out', -5, '5889e985-5042-529d-b291-a3358470c333', '8075aa39-0970-5e0b-b13a-540e9c835a2b', gen_random_uuid());
  set constraints all immediate;
  select quantity into q from public.pms_inventory_stock where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  raise notice '%', 'EXPLOIT'||'ED: a lone transferred_out leg passed the commit-time check; stock 12 -> '||q;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
