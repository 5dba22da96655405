-- deckhand@a scans yacht b's gasket label: the error names b's part and location
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$
declare n int;
begin
  execute 'select count(*) from public.stock_label(''02f572d3-5988-531a-8fdb-359f6a0336cf'')' into n;
  raise notice 'REFUSED: answered without an error (% rows)', n;
exception when others then
  if sqlerrm like '%Head gasket%' then raise notice 'EXPLOITED: the error names yacht b''s part: %', sqlerrm;
  else raise notice 'REFUSED: % %', sqlstate, sqlerrm; end if;
end $$;
rollback;
