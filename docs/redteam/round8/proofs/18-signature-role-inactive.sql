-- chief_engineer@a was relief captain last season (that role row is inactive now); it signs a
-- write-off as 'captain', a role it no longer holds
insert into auth_users_roles (user_id, yacht_id, role, is_active)
values ('2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'cf3df952-f993-5386-8585-4184c42e9285', 'captain', false);
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
do $$
declare r record;
begin
  select * into r from public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2, null, 'write_off',
    jsonb_build_object('signed_by', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06',
      'signature', jsonb_build_object('user_id', '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06', 'role_at_signing', 'captain',
        'signature_type', 'approval', 'reason', 'damaged', 'signed_at', now()::text)));
  if r.success then raise notice 'EXPLOITED: write_off signed as captain by a user with no active captain role';
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
