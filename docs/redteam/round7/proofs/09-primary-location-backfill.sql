-- after the backfill, yacht a's parts point at a location the deckhand of yacht a cannot see:
-- another yacht's row (a foreign key only says "exists somewhere")
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare n int;
begin
  select count(*) into n from public.pms_parts p
  where p.primary_location_id is not null
    and not exists (select 1 from public.pms_part_locations l where l.id = p.primary_location_id);
  raise notice '%', case when n > 0 then 'EXPLOITED: parts referencing another yacht''s location: ' || n else 'REFUSED: all references own-yacht' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
