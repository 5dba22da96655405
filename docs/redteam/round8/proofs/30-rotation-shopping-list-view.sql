-- deckhand@a did one relief trip on yacht b last year (role row kept, inactive); yacht b's
-- shopping list (what b is about to buy, and from whom) shows up in deckhand@a's view
insert into auth_users_roles (user_id, yacht_id, role, is_active)
values ('1129d21c-2c81-5d89-beb7-2b77d2c8b521', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'deckhand', false);
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
insert into pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
values ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61', 'Raw water pump impeller', 6);
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare n int; begin
  execute 'select count(*) from public.v_my_shopping_list where yacht_id = ''bb0fb680-e2ab-5333-a4af-4a7395ba2dcd''' into n;
  if n > 0 then raise notice 'EXPLOITED: deckhand@a (profile on yacht a) reads % line(s) of yacht b''s shopping list', n;
  else raise notice 'REFUSED: nothing of yacht b'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
