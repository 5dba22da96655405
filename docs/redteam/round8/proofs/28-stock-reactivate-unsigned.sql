-- the captain deactivated the impeller (signed, audited); chief_engineer@a quietly reactivates
-- its stock row without a signature or an audit row and consumes from it
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true);
select success, error_code from public.set_part_active('2cf3d354-028d-52e6-8ec8-e570d968acdb', false, 'recall',
  jsonb_build_object('user_id', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'role_at_signing', 'captain',
    'signature_type', 'approval', 'reason', 'maker recall', 'signed_at', now()::text));
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$ declare r record; a int; begin
  select count(*) into a from public.pms_audit_log;
  execute 'select * from public.set_stock_active(''b19fff4e-078f-5ec3-89ac-c1df8ca77c9c'', true)' into r;
  select * into r from public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2);
  if r.success and (select count(*) from public.pms_audit_log) = a then
    raise notice 'EXPLOITED: recalled stock reactivated unsigned and unaudited, then consumed (% -> %)', r.quantity_before, r.quantity_after;
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
