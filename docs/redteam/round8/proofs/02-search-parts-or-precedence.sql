-- deckhand@a searches by part number; yacht b's part with the same number comes back too
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$
declare n int;
begin
  execute 'select count(*) from public.search_parts(''IMP-2231'') s where s.part_id = ''07889066-4637-5cd3-b551-2f74dbad5c61''' into n;
  if n > 0 then raise notice 'EXPLOITED: search_parts returns yacht b''s impeller (and its on-hand) to deckhand@a';
  else raise notice 'REFUSED: no part of yacht b'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
