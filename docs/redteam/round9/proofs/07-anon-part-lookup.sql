\set QUIET on
begin;
set local role anon;
do $$ declare n int; begin
  select count(*) into n from public.lookup_part_number('IMP-2231');
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: anon read '||n||' yachts'' stock of IMP-2231' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
