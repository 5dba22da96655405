\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  select count(*) into n from public.search_parts('', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd');
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: search_parts lists '||n||' parts of yacht b' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
