-- yacht a signs on a chief stewardess (role 'chief_stew', not a tier of §2); she books an
-- adjustment, which only a HOD may
insert into auth_users_roles (user_id, yacht_id, role, is_active)
values ('54053630-3149-5caa-b8d9-736fe93f81ee', 'cf3df952-f993-5386-8585-4184c42e9285', 'chief_stew', true);
update auth_users_roles set is_active = false where user_id = '54053630-3149-5caa-b8d9-736fe93f81ee' and role = 'guest';
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"54053630-3149-5caa-b8d9-736fe93f81ee","role":"authenticated"}', true) is not null as claims;
do $$
declare r record;
begin
  select * into r from public.add_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 3, null, 'adjusted', '{}');
  raise notice '%', case when r.success then 'EXPLOITED: chief_stew booked an adjustment ' || r.quantity_before || ' -> ' || r.quantity_after else 'REFUSED: ' || r.error_code end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
