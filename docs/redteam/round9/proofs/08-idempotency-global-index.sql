\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"bd3e38de-ccfd-5198-8bb4-fc10e3f66c0b","role":"authenticated"}', true) is not null as ok \gset
do $$ declare r record; begin
  select * into r from public.add_stock_inventory('9afc5c79-7a0d-5c6b-94a2-fe852ada7942', 1, 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', 'received', '{"idempotency_key":"po-2026-0042"}');
  if not r.success then raise notice 'setup failed: %', r.error_code; end if;
  perform set_config('request.jwt.claims', '{"sub":"cbde6e60-6e85-5c1c-978c-a63b3d01f505","role":"authenticated"}', true);
  select * into r from public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 1, 'cf3df952-f993-5386-8585-4184c42e9285', 'received', '{"idempotency_key":"po-2026-0042"}');
  raise notice '%', case when not r.success then 'EXPLOIT'||'ED: yacht a refused ('||r.error_code||') because yacht b used the key' else 'REFUSED' end;
exception when others then raise notice '%', 'EXPLOIT'||'ED (error): '||sqlerrm; end $$;
rollback;
