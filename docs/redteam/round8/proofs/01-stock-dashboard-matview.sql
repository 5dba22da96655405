-- deckhand@a reads the dashboard view and finds yacht b's catalogue and stock in it
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$
declare n int;
begin
  execute 'select count(*) from public.mv_part_stock_dashboard where yacht_id = ''bb0fb680-e2ab-5333-a4af-4a7395ba2dcd''' into n;
  if n > 0 then raise notice 'EXPLOITED: deckhand@a sees % parts of yacht b with their on-hand', n;
  else raise notice 'REFUSED: no row of yacht b'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
