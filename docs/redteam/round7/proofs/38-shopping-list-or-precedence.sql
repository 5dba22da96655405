-- yacht b's purser ordered 2 impellers; yacht a's deckhand sees yacht b's ordered line
insert into pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, urgency, status, source_type, created_by)
values ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61', 'Raw water pump impeller', 2, 'high', 'ordered', 'inventory_lens', '66d02bdb-944d-5c6c-89df-84d82e33cb6c');
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare n int;
begin
  select count(*) into n from public.pms_shopping_list_items where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  raise notice '%', case when n > 0 then 'EXPLOITED: yacht b order lines visible: ' || n else 'REFUSED: none' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
