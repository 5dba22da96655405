\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare r1 record; r2 record; begin
  select * into r1 from public.deduct_stock_inventory('9afc5c79-7a0d-5c6b-94a2-fe852ada7942', 1);
  select * into r2 from public.deduct_stock_inventory(gen_random_uuid(), 1);
  raise notice '%', case when r1.error_code is distinct from r2.error_code
    then 'EXPLOIT'||'ED: yacht b''s stock id answers '||coalesce(r1.error_code,'success')||', an unknown id '||r2.error_code else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
