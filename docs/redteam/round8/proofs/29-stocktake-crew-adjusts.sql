-- deckhand@a "counts" 200 impellers on a shelf holding 12: an unsigned adjustment of +188 by a
-- role below HOD
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare r record; begin
  execute 'select * from public.apply_stock_count(''b19fff4e-078f-5ec3-89ac-c1df8ca77c9c'', 200)' into r;
  if r.success then raise notice 'EXPLOITED: a deckhand booked an unsigned adjustment % -> %', r.quantity_before, r.quantity_after;
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
