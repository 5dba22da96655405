-- deckhand@a stores a file in bucket documents outside the parts folder (crew contracts, payroll)
insert into storage.buckets (id, name, public) values ('documents', 'documents', false) on conflict do nothing;
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ begin
  insert into storage.objects (bucket_id, name, metadata)
  values ('documents', 'cf3df952-f993-5386-8585-4184c42e9285/crew/payroll-2026-11.pdf', '{"size": 1}');
  raise notice 'EXPLOITED: documents object written outside {yacht}/parts/';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
