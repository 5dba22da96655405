-- deckhand of yacht a uploads under its own prefix a name that climbs into yacht b's folder
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
begin
  insert into storage.objects (bucket_id, name, owner, metadata)
  values ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/parts/../../bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/parts/impeller-manual.pdf',
          '1129d21c-2c81-5d89-beb7-2b77d2c8b521', '{}');
  raise notice 'EXPLOITED: an escaping path was stored';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
