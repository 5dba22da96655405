-- deckhand of yacht a "counts" the fuel filters (30) as 0: an unsigned -30 adjustment by crew
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare r record;
begin
  select * into r from public.record_stock_count('50cd66fc-5834-5e61-a381-1fafd852d6bc', 0);
  raise notice '%', case when r.success then 'EXPLOITED: crew adjusted 30 -> ' || r.quantity_after || ' unsigned' else 'REFUSED: ' || r.error_code end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
