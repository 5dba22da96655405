-- chief engineer of yacht a rewrites the note of an existing ledger row (the trail must be immutable)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as claims;
do $$
declare n int;
begin
  update public.pms_inventory_transactions set notes = 'counted wrong, ignore'
  where stock_id = '50cd66fc-5834-5e61-a381-1fafd852d6bc';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOITED: ledger rows changed: ' || n else 'REFUSED: nothing changed' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
