-- an outsider with only the public anon key (no user, no sub) reads yacht b's stock of a part
begin;
set local role anon;
select set_config('request.jwt.claims', '{"role":"anon"}', true);
do $$ declare r record; begin
  execute 'select * from public.part_availability(''07889066-4637-5cd3-b551-2f74dbad5c61'')' into r;
  if r.part_id is not null then raise notice 'EXPLOITED: anon reads % (%): % on hand', r.part_name, r.part_number, r.on_hand;
  else raise notice 'REFUSED: nothing returned'; end if;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
