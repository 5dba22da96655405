\set QUIET on
update public.pms_inventory_stock set deleted_at = now() where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare r record; d timestamptz; a int; begin
  select * into r from public.reactivate_stock_row('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c');
  select deleted_at into d from public.pms_inventory_stock where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  select count(*) into a from public.pms_audit_log where entity_id in ('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', '2cf3d354-028d-52e6-8ec8-e570d968acdb');
  raise notice '%', case when r.success and d is null then 'EXPLOIT'||'ED: stock reactivated with no signature ('||a||' audit rows)' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
