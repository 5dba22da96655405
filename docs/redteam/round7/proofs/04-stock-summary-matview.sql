-- deckhand of yacht a reads the dashboard materialized view: yacht b's totals are in it
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare n bigint;
begin
  select units_on_hand into n from public.mv_yacht_stock_summary where yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  raise notice '%', case when n is not null then 'EXPLOITED: yacht b units on hand ' || n else 'REFUSED: none' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
