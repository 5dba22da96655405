\set QUIET on
update public.pms_inventory_stock set quantity = 99 where id = '9afc5c79-7a0d-5c6b-94a2-fe852ada7942';
\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  select count(*) into n from public.check_inventory_drift() where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: yacht a crew reads '||n||' drift rows of yacht b' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
