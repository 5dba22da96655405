-- yacht b received a delivery under key 'PO-2026-0042' (a purchase-order number, guessable);
-- yacht a's deckhand looks the key up and reads yacht b's ledger row
select success from add_stock_inventory('9afc5c79-7a0d-5c6b-94a2-fe852ada7942', 8, 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'received',
                                        '{"idempotency_key": "PO-2026-0042"}');
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare r record;
begin
  select * into r from public.find_request('PO-2026-0042');
  raise notice '%', case when r.transaction_id is not null then 'EXPLOITED: yacht b row read: stock ' || r.stock_id || ' qty_after ' || r.quantity_after else 'REFUSED: nothing' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
