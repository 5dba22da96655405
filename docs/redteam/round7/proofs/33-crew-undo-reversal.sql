-- deckhand of yacht a consumes 4 filters, then "undoes" it: an unsigned reversal by crew
-- (§4/§7: reversal is manager-only and signed)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare c record; u record;
begin
  select * into c from public.deduct_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 4);
  select * into u from public.undo_my_consumption(c.transaction_id);
  raise notice '%', case when u.success then 'EXPLOITED: crew booked an unsigned reversal' else 'REFUSED: ' || u.error_code end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
