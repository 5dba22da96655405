-- yacht b's filter stock drifted (written outside the ledger by a legacy import); deckhand@a
-- calls check_inventory_drift() over PostgREST /rpc and reads b's stock ids, parts and quantities
update pms_inventory_stock set quantity = quantity + 5 where id = 'e0079cb2-2512-5065-b828-b663137afae8';
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare n int; begin
  select count(*) into n from public.check_inventory_drift() where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  if n > 0 then raise notice 'EXPLOITED: deckhand@a reads % drift row(s) of yacht b', n;
  else raise notice 'REFUSED: no row of yacht b'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
