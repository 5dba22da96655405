\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ begin
  insert into storage.objects (bucket_id, name, owner, metadata)
  values ('pms-label-pdfs', 'cf3df952-f993-5386-8585-4184c42e9285/../bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/labels/shelf-3.pdf', '1129d21c-2c81-5d89-beb7-2b77d2c8b521', '{}');
  raise notice '%', 'EXPLOIT'||'ED: stored a label whose path escapes to yacht b''s prefix';
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
