-- the captain deactivated the gasket part (signed); the chief engineer reactivates it with no signature
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true) is not null as claims;
select success as deactivated from public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', false, 'recalled',
  jsonb_build_object('user_id', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'role_at_signing', 'captain', 'signature_type', 'approval',
                     'reason', 'recalled batch', 'signed_at', now()::text));
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true) is not null as claims;
do $$
declare r record;
begin
  select * into r from public.set_part_active('9eff47a2-ff34-583a-9b31-ccb400bbafaa', true, null, null);
  raise notice '%', case when r.success then 'EXPLOITED: reactivated without a signature' else 'REFUSED: ' || r.error_code end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
