-- the fuel filter stock of yacht a is deactivated; a service_role request still changes it
update pms_inventory_stock set deleted_at = now() where id = '50cd66fc-5834-5e61-a381-1fafd852d6bc';
begin;
set local role service_role;
do $$
declare n int;
begin
  update public.pms_inventory_stock set quantity = quantity - 10, location = 'bosun-store'
  where id = '50cd66fc-5834-5e61-a381-1fafd852d6bc';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOITED: a deactivated stock row was mutated by service_role' else 'REFUSED: nothing changed' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
