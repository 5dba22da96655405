\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true) is not null as ok \gset
do $$ declare q int; begin
  insert into public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, signed_by, signature)
  values ('cf3df952-f993-5386-8585-4184c42e9285', 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 'write_off', 50, '51d30c11-e65b-5115-9054-004c70dbc761', jsonb_build_object('user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager',
          'signature_type', 'approval', 'reason', 'found in bilge', 'signed_at', now()::text));
  select quantity into q from public.pms_inventory_stock where id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
  raise notice '%', 'EXPLOIT'||'ED: a positive write_off booked, stock 12 -> '||q;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
