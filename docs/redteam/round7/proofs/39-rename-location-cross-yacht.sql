-- chief engineer of yacht a renames its 'engine-room-locker'; yacht b's stock rows get renamed too
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as claims;
do $$ begin
  perform * from public.rename_location('5889e985-5042-529d-b291-a3358470c333', 'ER locker (port)');
exception when others then raise notice 'rename refused: % %', sqlstate, sqlerrm;
end $$;
reset role;
do $$
declare n int;
begin
  select count(*) into n from pms_inventory_stock where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd' and location = 'ER locker (port)';
  raise notice '%', case when n > 0 then 'EXPLOITED: yacht b stock rows rewritten by yacht a: ' || n else 'REFUSED: yacht b untouched' end;
end $$;
rollback;
