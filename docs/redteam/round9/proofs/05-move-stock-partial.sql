\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare ok boolean; code text; q int; begin
  select m.success, m.error_code into ok, code from public.move_stock('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', gen_random_uuid(), 5) m;
  select quantity into q from public.pms_inventory_stock where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  raise notice '%', case when not ok and q <> 12 then 'EXPLOIT'||'ED: move_stock failed ('||code||') but the source went 12 -> '||q else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
commit;
