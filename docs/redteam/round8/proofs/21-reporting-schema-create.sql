-- deckhand@a creates objects in the database: a function in reporting that any later caller whose
-- search_path or query names it runs (and a table without RLS)
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ begin
  execute 'create table reporting.stash (x text)';
  execute 'create function reporting.lower(text) returns text language sql as ''select $1''';
  raise notice 'EXPLOITED: authenticated holds CREATE on schema reporting (made a table and a function)';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
