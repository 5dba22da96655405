\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ begin
  insert into public.pms_reorder_requests (yacht_id, part_id, quantity) values ('cf3df952-f993-5386-8585-4184c42e9285', '07889066-4637-5cd3-b551-2f74dbad5c61', 3);
  raise notice '%', 'EXPLOIT'||'ED: a row of yacht a now references part 07889066-4637-5cd3-b551-2f74dbad5c61 of yacht b';
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
