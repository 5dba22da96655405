\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"54053630-3149-5caa-b8d9-736fe93f81ee","role":"authenticated"}', true) is not null as ok \gset
do $$ declare r record; begin
  select * into r from public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2);
  raise notice '%', case when r.success then 'EXPLOIT'||'ED: a guest consumed 2 (12 -> '||r.quantity_after||')' else 'REFUSED ('||r.error_code||')' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
