-- yacht b keeps its annotated engine manual (with its own notes) under b/parts/manuals/;
-- deckhand@a reads it
insert into storage.buckets (id, name, public) values ('documents', 'documents', false) on conflict do nothing;
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}', true);
insert into storage.objects (bucket_id, name, metadata)
values ('documents', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/parts/manuals/mtu-2000-annotated.pdf', '{"size": 1}');
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ declare n int; begin
  select count(*) into n from storage.objects where name like 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd/%';
  if n > 0 then raise notice 'EXPLOITED: deckhand@a reads % object(s) under yacht b''s prefix', n;
  else raise notice 'REFUSED: nothing of yacht b visible'; end if;
end $$;
rollback;
