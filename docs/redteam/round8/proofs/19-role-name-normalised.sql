-- guest@a's role row was typed 'Chief_Engineer ' in the admin form (not a §2 role name); the
-- helpers read it as chief_engineer and guest@a adjusts stock (HOD only)
update auth_users_roles set role = 'Chief_Engineer '
where user_id = '54053630-3149-5caa-b8d9-736fe93f81ee';
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"54053630-3149-5caa-b8d9-736fe93f81ee","role":"authenticated"}', true);
do $$
declare r record;
begin
  select * into r from public.add_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 5, null, 'adjusted');
  if r.success then raise notice 'EXPLOITED: role ''Chief_Engineer '' (not a §2 name) got HOD tier: adjusted %->%', r.quantity_before, r.quantity_after;
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
