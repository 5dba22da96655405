-- yacht b's deckhand has a pending line for impellers; yacht a's deckhand adding its own impeller
-- line hits yacht b's row (a tenant learns what another yacht is ordering)
insert into pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, urgency, status, source_type, created_by)
values ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61', 'Raw water pump impeller', 2, 'normal', 'pending', 'inventory_lens', '66d02bdb-944d-5c6c-89df-84d82e33cb6c');
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
begin
  insert into public.pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, urgency, status, source_type, created_by)
  values ('cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'Raw water pump impeller', 1, 'normal', 'pending', 'inventory_lens', '1129d21c-2c81-5d89-beb7-2b77d2c8b521');
  raise notice 'REFUSED: own line added';
exception
  when unique_violation then raise notice 'EXPLOITED: conflict with another yacht''s row: %', sqlerrm;
  when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
