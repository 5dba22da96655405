-- chief_engineer@a inserts an 'adjusted' ledger row straight into yacht b's gasket stock
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$
begin
  insert into public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id)
  values ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '02f572d3-5988-531a-8fdb-359f6a0336cf', 'adjusted', -4,
          '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06');
  raise notice 'EXPLOITED: a HOD of yacht a wrote off yacht b''s gasket stock through a direct ledger insert';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
