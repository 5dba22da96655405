-- deckhand@a books a cycle count in the captain's name
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ begin
  execute 'insert into public.pms_stock_counts (yacht_id, stock_id, counted_quantity, counted_by) values (''cf3df952-f993-5386-8585-4184c42e9285'', ''b19fff4e-078f-5ec3-89ac-c1df8ca77c9c'', 3, ''cbc1797b-bd98-5097-a668-eda3a5cc0f12'')';
  raise notice 'EXPLOITED: a row names the captain as its author, written by deckhand@a';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
