\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  update public.pms_inventory_stock set quantity = quantity + 100 where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: a HOD set the quantity directly, no ledger row' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
