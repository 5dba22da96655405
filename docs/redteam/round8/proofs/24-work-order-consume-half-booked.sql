-- deckhand@a consumes 50 gaskets (4 on hand) for a work order: refused insufficient_stock, but the
-- usage row of the refused call is committed
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare r record; begin
  execute 'select * from public.consume_for_work_order(''6ea66795-00cc-509f-8826-98b704f9ccc7'', 50, ''0b8e4c2e-0000-4000-8000-000000000001'')' into r;
  raise notice 'call answered success=% error=%', r.success, r.error_code;
exception when others then raise notice 'call failed: % %', sqlstate, sqlerrm;
end $$;
commit;
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare n int; begin
  select count(*) into n from public.pms_part_usage where work_order_id = '0b8e4c2e-0000-4000-8000-000000000001';
  if n > 0 then raise notice 'EXPLOITED: the refused consume left % usage row(s) of 50 gaskets', n;
  else raise notice 'REFUSED: no usage row left behind'; end if;
end $$;
rollback;
