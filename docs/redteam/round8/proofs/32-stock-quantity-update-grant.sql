-- chief_engineer@a sets the impeller's quantity with a plain UPDATE: no ledger row
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$ declare n int; begin
  update public.pms_inventory_stock set quantity = 500 where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  get diagnostics n = row_count;
  if n > 0 then raise notice 'EXPLOITED: quantity changed by a direct UPDATE, drift rows now %', (select count(*) from public.check_inventory_drift());
  else raise notice 'REFUSED: no row updated'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
