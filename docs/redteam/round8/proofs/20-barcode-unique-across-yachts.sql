-- yacht b labels its impeller with the maker's EAN; deckhand@a, scanning the same maker's box,
-- learns from the unique violation that another yacht stocks that exact item
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
do $$ begin
  execute 'insert into public.pms_part_barcodes (yacht_id, part_id, barcode) values (''bb0fb680-e2ab-5333-a4af-4a7395ba2dcd'', ''07889066-4637-5cd3-b551-2f74dbad5c61'', ''4006381333931'')';
exception when others then raise notice 'setup: % %', sqlstate, sqlerrm;
end $$;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ begin
  execute 'insert into public.pms_part_barcodes (yacht_id, part_id, barcode) values (''cf3df952-f993-5386-8585-4184c42e9285'', ''2cf3d354-028d-52e6-8ec8-e570d968acdb'', ''4006381333931'')';
  raise notice 'REFUSED: yacht a registered the barcode (no cross-yacht conflict)';
exception
  when unique_violation then raise notice 'EXPLOITED: yacht a''s insert hits yacht b''s barcode: % (%)', sqlerrm, sqlstate;
  when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
