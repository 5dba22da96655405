\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as ok \gset
do $$ declare r record; begin
  select * into r from public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1, 'cf3df952-f993-5386-8585-4184c42e9285', 'write_off',
    jsonb_build_object('signed_by', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'signature', jsonb_build_object(
      'user_id', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'role_at_signing', 'captain', 'signature_type', 'approval',
      'reason', 'water damage', 'signed_at', now()::text)));
  raise notice '%', case when r.success then 'EXPLOIT'||'ED: a chief engineer signed a write-off as captain' else 'REFUSED ('||r.error_code||')' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
