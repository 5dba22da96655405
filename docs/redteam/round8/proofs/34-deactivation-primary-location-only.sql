-- the captain deactivates the impeller (signed); its stock (the part has no primary location set)
-- stays active, and deckhand@a consumes from it over /rpc
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}', true);
select success, error_code, stock_rows from public.set_part_active('2cf3d354-028d-52e6-8ec8-e570d968acdb', false, 'recall',
  jsonb_build_object('user_id', 'cbc1797b-bd98-5097-a668-eda3a5cc0f12', 'role_at_signing', 'captain',
    'signature_type', 'approval', 'reason', 'maker recall', 'signed_at', now()::text));
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare r record; begin
  if (select deleted_at from pms_parts where id = '2cf3d354-028d-52e6-8ec8-e570d968acdb') is null then
    raise notice 'setup failed: part not deactivated'; return;
  end if;
  select * into r from public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2);
  if r.success then raise notice 'EXPLOITED: stock of a deactivated part consumed (% -> %)', r.quantity_before, r.quantity_after;
  else raise notice 'REFUSED: %', r.error_code; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
