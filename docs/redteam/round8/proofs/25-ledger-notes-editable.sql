-- chief_engineer@a rewrites the notes and reference of an existing ledger row (the opening balance)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$ declare n int; begin
  update public.pms_inventory_transactions set notes = 'counted short, never arrived', reference_id = gen_random_uuid()
  where stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  get diagnostics n = row_count;
  if n > 0 then raise notice 'EXPLOITED: % existing ledger row(s) changed by an API role', n;
  else raise notice 'REFUSED: no ledger row changed'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
