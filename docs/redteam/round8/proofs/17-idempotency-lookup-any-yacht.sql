-- yacht b receives with key 'PO-2026-0412'; deckhand@a then tries the same key on its own stock
-- and is told duplicate_request with b's transaction id (the contract: fine on another yacht)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
select success, error_code from public.add_stock_inventory('e0079cb2-2512-5065-b828-b663137afae8', 2, null, 'received', '{"idempotency_key":"PO-2026-0412"}');
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$
declare r record;
begin
  select * into r from public.add_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 2, null, 'received', '{"idempotency_key":"PO-2026-0412"}');
  if r.error_code = 'duplicate_request' then
    raise notice 'EXPLOITED: yacht a told duplicate_request for yacht b''s key, transaction %', r.transaction_id;
  else raise notice 'REFUSED: success=% error=%', r.success, r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
