-- deckhand of yacht a presents claims with app_metadata.fleet_admin = true (§11.4: no claim but sub grants anything)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated","app_metadata":{"fleet_admin":true}}', true) is not null as claims;
do $$
declare n int;
begin
  select count(*) into n from public.pms_parts where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  raise notice '%', case when n > 0 then 'EXPLOITED: yacht b parts visible through a claim: ' || n else 'REFUSED: none' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
