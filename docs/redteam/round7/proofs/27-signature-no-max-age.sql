-- manager of yacht a writes off 5 filters with a signature signed three days ago (older than 24 h)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true) is not null as claims;
do $$
declare r record;
begin
  select * into r from public.deduct_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 5, null, 'write_off',
    jsonb_build_object('signed_by', '51d30c11-e65b-5115-9054-004c70dbc761', 'signature', jsonb_build_object(
      'user_id', '51d30c11-e65b-5115-9054-004c70dbc761', 'role_at_signing', 'manager', 'signature_type', 'approval', 'reason', 'water damage',
      'signed_at', (now() - interval '3 days')::text)));
  raise notice '%', case when r.success then 'EXPLOITED: a 3-day-old signature was accepted' else 'REFUSED: ' || r.error_code end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
