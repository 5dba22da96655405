\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ begin
  insert into storage.objects (bucket_id, name, owner, metadata)
  values ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/2cf3d354-028d-52e6-8ec8-e570d968acdb/captain-approval.pdf', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', '{}');
  raise notice '%', 'EXPLOIT'||'ED: a deckhand uploaded a document owned by the captain';
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
