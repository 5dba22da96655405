\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  select count(*) into n from public.pms_parts p
  where p.primary_location_id is not null
    and not exists (select 1 from public.pms_part_locations l where l.id = p.primary_location_id);
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: '||n||' parts of yacht b name a location of another yacht' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
