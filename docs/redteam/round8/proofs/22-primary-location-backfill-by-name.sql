-- after the backfill, each crew looks at its own parts: a primary_location_id that is not one of
-- its yacht's locations is another yacht's row (both yachts have an 'engine-room-locker')
\set ON_ERROR_STOP 0
create temp table verdict (yacht text, foreign_refs int);
grant insert, select on verdict to authenticated;
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
insert into verdict select 'a', count(*) from pms_parts p
 where p.primary_location_id is not null and p.primary_location_id not in (select id from pms_part_locations);
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
insert into verdict select 'b', count(*) from pms_parts p
 where p.primary_location_id is not null and p.primary_location_id not in (select id from pms_part_locations);
commit;
do $$
declare n int;
begin
  select sum(foreign_refs) into n from verdict;
  if n > 0 then raise notice 'EXPLOITED: % parts point at another yacht''s location', n;
  else raise notice 'REFUSED: every primary_location_id is the part''s own yacht''s'; end if;
end $$;
