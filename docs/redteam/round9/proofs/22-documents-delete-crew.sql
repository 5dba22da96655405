\set QUIET on
insert into storage.objects (bucket_id, name, metadata) values ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/2cf3d354-028d-52e6-8ec8-e570d968acdb/manual.pdf', '{}');
\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  delete from storage.objects where bucket_id = 'documents' and name = 'cf3df952-f993-5386-8585-4184c42e9285/parts/2cf3d354-028d-52e6-8ec8-e570d968acdb/manual.pdf';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: a deckhand deleted a part document' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
