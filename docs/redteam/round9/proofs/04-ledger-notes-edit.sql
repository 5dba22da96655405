\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  update public.pms_inventory_transactions set notes = 'rewritten by red team' where yacht_id = 'cf3df952-f993-5386-8585-4184c42e9285';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: a HOD rewrote '||n||' existing ledger rows' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
