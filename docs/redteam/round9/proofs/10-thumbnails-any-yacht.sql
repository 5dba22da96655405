\set QUIET on
insert into storage.objects (bucket_id, name, metadata) values ('documents', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/thumbnails/07889066-4637-5cd3-b551-2f74dbad5c61.png', '{}');
\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  select count(*) into n from storage.objects where name like 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/%';
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: yacht a crew sees '||n||' objects under yacht b' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
