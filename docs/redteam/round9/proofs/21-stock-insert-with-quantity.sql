\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ begin
  insert into public.pms_inventory_stock (yacht_id, part_id, location, location_id, quantity)
  values ('cf3df952-f993-5386-8585-4184c42e9285', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'bosun-store', '8075aa39-0970-5e0b-b13a-540e9c835a2b', 500);
  raise notice '%', 'EXPLOIT'||'ED: a deckhand created a stock row holding 500 units with no ledger row';
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
