-- manager of yacht a books a signed 'write_off' of +40 by direct insert: stock grows by a write-off
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true) is not null as claims;
do $$
declare q int;
begin
  insert into public.pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id, signed_by, signature)
  values ('cf3df952-f993-5386-8585-4184c42e9285', '50cd66fc-5834-5e61-a381-1fafd852d6bc', 'write_off', 40, '51d30c11-e65b-5115-9054-004c70dbc761', '51d30c11-e65b-5115-9054-004c70dbc761',
          jsonb_build_object('user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager', 'signature_type', 'approval',
                             'reason', 'correction', 'signed_at', now()::text));
  select quantity into q from public.pms_inventory_stock where id = '50cd66fc-5834-5e61-a381-1fafd852d6bc';
  raise notice 'EXPLOITED: a positive write_off was booked, stock now %', q;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
