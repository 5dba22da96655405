-- an outsider with the anon key calls the catalogue RPC (EXECUTE stayed with PUBLIC)
begin;
set local role anon;
do $$
declare n int;
begin
  select count(*) into n from public.supplier_part_catalog();
  raise notice '%', case when n > 0 then 'EXPLOITED: anon read parts of the fleet: ' || n else 'REFUSED: none' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
