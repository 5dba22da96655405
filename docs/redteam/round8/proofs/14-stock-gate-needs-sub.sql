-- a request as authenticated whose claims carry no sub (e.g. an anon-key upgrade, a broken
-- token mapper) deducts yacht b's gasket by naming b's yacht id
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
do $$
declare r record;
begin
  select * into r from public.deduct_stock_inventory('02f572d3-5988-531a-8fdb-359f6a0336cf', 3, 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd');
  if r.success then raise notice 'EXPLOITED: no-sub claims moved yacht b''s stock % -> %', r.quantity_before, r.quantity_after;
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
