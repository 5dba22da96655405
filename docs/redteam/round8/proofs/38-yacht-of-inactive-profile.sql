-- deckhand@a signed off (profile deactivated); with a token still valid for an hour it reads the
-- yacht's catalogue, stock and ledger
update auth_users_profiles set is_active = false where id = '1129d21c-2c81-5d89-beb7-2b77d2c8b521';
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare p int; s int; t int; begin
  select count(*) into p from public.pms_parts;
  select count(*) into s from public.pms_inventory_stock;
  select count(*) into t from public.pms_inventory_transactions;
  if p + s + t > 0 then raise notice 'EXPLOITED: a deactivated profile reads % parts, % stock rows, % ledger rows', p, s, t;
  else raise notice 'REFUSED: nothing visible'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
